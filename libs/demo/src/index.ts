export * from './demo-city';
export * from './national';
export * from './demo-accounts';
