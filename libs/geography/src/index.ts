export * from './admin-unit.entity';
export * from './admin-unit.repository';
export * from './dates';
export * from './geography-import.service';
export * from './geography.module';
export * from './geography.service';
export * from './import-report';
export * from './reorganisation.entity';
