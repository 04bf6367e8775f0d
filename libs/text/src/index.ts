export * from './csv';
export * from './personal-data';
export * from './phone';
export * from './vietnamese';
