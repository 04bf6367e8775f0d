import { RebuildService } from '@cdtg/rollups';
import { eventually, startTestApp, TestApp } from '../support/app';
import { formatTable } from '../faults/scenarios';
import { FUZZ_ENV, fuzzFixture, fuzzMutations } from '../faults/fuzz';
import { csvAttacks } from '../faults/csv';

/**
 * Property-based fuzzing of every mutation (enumerated by introspection) with hostile values: typed errors or
 * successes only, and nothing written by a call that answered an error. `npm run test:faults` runs more cases.
 */
describe('fuzzing every mutation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ worker: false, env: FUZZ_ENV });
  });
  afterAll(async () => t?.close());

  it('answers typed errors or successes, never an internal error, and writes nothing when it refuses', async () => {
    const ids = await fuzzFixture(t);
    // A fixed seed keeps npm test repeatable (FUZZ_SEED to vary it); npm run test:faults draws a new one each run.
    const report = await fuzzMutations(t, ids, Number(process.env.FUZZ_RUNS ?? 4), Number(process.env.FUZZ_SEED ?? 20261123));
    process.stdout.write(
      `\n${formatTable(
        `Fuzzing: ${report.mutations} mutations, ${report.calls} calls, ${report.successes} successes`,
        Object.entries(report.codes).map(([code, calls]) => ({ code, calls })),
      )}\n`,
    );
    expect(report.mutations).toBeGreaterThan(30);
  }, 240_000);
});

describe('fuzzing every mutation with the worker running, then the rollup check', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The worker runs in this process on real Redis (BullMQ): projections, e-mails and imports follow the fuzzer's writes.
    t = await startTestApp({ env: FUZZ_ENV });
  });
  afterAll(async () => t?.close());

  /** The queue is idle: nothing due left to relay or to project, no import running (scheduled jobs wait for their time). */
  const settle = async () => {
    await eventually(async () => {
      const [busy] = await t.db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM outbox_message WHERE status IN ('pending', 'dispatched') AND run_at <= now())
              + (SELECT count(*) FROM change_event WHERE processed_at IS NULL)
              + (SELECT count(*) FROM directory_import WHERE status IN ('queued', 'running'))::int AS n`,
      );
      return Number(busy.n) === 0;
    }, 30_000);
  };

  it('keeps the incremental rollups equal to a rebuild from the raw records after fuzzed writes', async () => {
    const ids = await fuzzFixture(t);
    const report = await fuzzMutations(t, ids, Number(process.env.FUZZ_RUNS ?? 2), Number(process.env.FUZZ_SEED ?? 20261205), { settle });
    expect(report.successes).toBeGreaterThan(0);
    await settle();
    const check = await t.app.get(RebuildService).run('verify');
    expect(check).toMatchObject({ consistent: true, differences: 0 });
  }, 300_000);
});

describe('malformed CSV files', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ worker: false });
  });
  afterAll(async () => t?.close());

  it('refuses wrong encodings, broken quotes and oversized files clearly; exports neutralise formulas', async () => {
    await csvAttacks(t, 250_000);
  }, 120_000);
});
