/** npm run test:faults: the full fault, fuzz and load scenarios (test/faults/*.faults-spec.ts), one file at a time. */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
  testTimeout: 3_600_000,
  maxWorkers: 1,
};
