export * from './demo-city';
export * from './national';
