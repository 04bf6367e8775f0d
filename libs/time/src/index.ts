export * from './clock';
export * from './dates';
export * from './time.module';
export * from './vietnam-time';
