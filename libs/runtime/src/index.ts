export * from './bootstrap';
export * from './core.module';
export * from './data-model';
export * from './health/health.service';
export * from './migrate';
