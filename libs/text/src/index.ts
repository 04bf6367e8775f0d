export * from './csv';
export * from './phone';
export * from './vietnamese';
