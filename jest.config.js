/** Unit tests (*.spec.ts next to the code), service and end-to-end tests (test/**). One run, real PostgreSQL/Redis/SMTP. */
const { resolve } = require('node:path');
const { jsc } = JSON.parse(require('node:fs').readFileSync(resolve(__dirname, '.swcrc'), 'utf8'));

// The same compiler settings as the build (.swcrc), including the @cdtg/* paths, so global setup resolves them too.
const swc = ['@swc/jest', { swcrc: false, jsc: { ...jsc, baseUrl: resolve(__dirname) }, module: { type: 'commonjs' }, sourceMaps: 'inline' }];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/', '/test/bench/'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@cdtg/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  forceExit: false,
};
