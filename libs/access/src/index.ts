export * from './role';
export * from './data-scope';
export * from './actor';
export * from './access.service';
export * from './access.module';
export * from './signed-links';
