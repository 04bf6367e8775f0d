import { startTestApp, TestApp } from '../support/app';
import { formatTable } from './scenarios';
import { FUZZ_ENV, fuzzFixture, fuzzMutations } from './fuzz';
import { csvAttacks } from './csv';

/** npm run test:faults: many more fuzzed calls per mutation than npm test, and a 1,000,000-row CSV. */
describe('fuzzing (full)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ worker: false, env: FUZZ_ENV });
  });
  afterAll(async () => t?.close());

  it('every mutation: typed errors or successes only, nothing written on an error', async () => {
    const ids = await fuzzFixture(t);
    const report = await fuzzMutations(t, ids, Number(process.env.FUZZ_RUNS ?? 40));
    process.stdout.write(
      `\n${formatTable(
        `Fuzzing (full): ${report.mutations} mutations, ${report.calls} calls, ${report.successes} successes`,
        Object.entries(report.codes).map(([code, calls]) => ({ code, calls })),
      )}\n`,
    );
  }, 3_600_000);
});

describe('malformed CSV files (full)', () => {
  // An app of its own: the fuzzer above may have signed out or disabled the accounts of its app.
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ worker: false });
  });
  afterAll(async () => t?.close());

  it('malformed CSV files: clear refusals; exports neutralise formulas', async () => {
    await csvAttacks(t, 1_000_000);
  }, 600_000);
});
