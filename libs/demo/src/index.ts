export * from './demo-city';
export * from './national';
export * from './demo-accounts';
export * from './demo-sessions';
export * from './demo-activity';
export * from './demo-targets';
