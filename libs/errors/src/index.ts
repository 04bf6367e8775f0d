export * from './domain-error';
export * from './client-codes';
export * from './reasons';
