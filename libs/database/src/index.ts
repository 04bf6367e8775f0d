export * from './data-source';
export * from './database.module';
export * from './embedded-postgres';
export * from './naming-strategy';
export * from './preflight';
export { ALL_MIGRATIONS } from './migrations';
export * from './pagination';
export * from './sql';
