export * from './domain-error';
export * from './client-codes';
