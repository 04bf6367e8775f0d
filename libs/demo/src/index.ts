export * from './demo-city';
