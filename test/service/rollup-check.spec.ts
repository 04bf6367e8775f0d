import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@cdtg/config';
import { createDataSource } from '@cdtg/database';
import { loadDemoActivity, loadDemoCity, seedDemoSessions } from '@cdtg/demo';
import { latestRollupCheck, ProjectorService, RebuildService, RollupCheckRepository, RollupCheckService, RollupRepository, SessionSource } from '@cdtg/rollups';
import { DATA_MODEL } from '@cdtg/runtime';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * The nightly rollup check takes no lock: it recounts from raw records and reads the incremental tables in one
 * snapshot, so projections commit while it runs, and keys with change events not yet applied are compared as the
 * projection holds them. A difference is reported and stored, never repaired by the check itself; the nightly job
 * repairs on purpose only when the check before found differences too.
 */
describe('rollups: the nightly check neither blocks projections nor repairs', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let rebuild: RebuildService;
  let projector: ProjectorService;
  const checks = () => new RollupCheckRepository(dataSource);

  /** A connection of its own, holding a transaction open (a lock, or rows a projector is working on). */
  const session = async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query('BEGIN');
    return { client, end: async (how: 'COMMIT' | 'ROLLBACK') => (await client.query(how), await client.end()) };
  };
  /** Households with a valid, unverified entry (one entry each), not used by an earlier step. */
  const taken = new Set<string>();
  const households = async (n: number) => {
    const rows = await db.query<{ household_id: string; id: string }>(
      `SELECT DISTINCT ON (household_id) household_id, id FROM assist_entry WHERE status = 'valid' AND verified_at IS NULL AND NOT (household_id = ANY($1::uuid[]))
        ORDER BY household_id, occurred_at LIMIT $2`,
      [[...taken], n],
    );
    rows.forEach((r) => taken.add(r.household_id));
    return rows;
  };
  /** A write as the API makes it: the raw change and its change event in one transaction. Returns the event ids. */
  const verifyEntries = async (rows: { household_id: string; id: string }[]) => {
    const ids: string[] = [];
    for (const r of rows) {
      const [event] = await dataSource.transaction(async (m) => {
        await m.query(`UPDATE assist_entry SET verified_at = now() WHERE id = $1`, [r.id]);
        return (await m.query(`INSERT INTO change_event (households) VALUES ($1::uuid[]) RETURNING id::text AS id`, [[r.household_id]])) as { id: string }[];
      });
      ids.push(event.id);
    }
    return ids;
  };
  const pendingOf = async (ids: string[]) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM change_event WHERE id = ANY($1::bigint[]) AND processed_at IS NULL`, [ids]))[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource(db.url, DATA_MODEL, 8).initialize();
    await loadDemoCity(dataSource);
    await seedDemoSessions(dataSource);
    await loadDemoActivity(dataSource, { until: '2025-10-31', share: 0.1 }); // rollups built by a repair
    rebuild = new RebuildService(dataSource);
    projector = new ProjectorService(dataSource, new RollupRepository(dataSource), new SessionSource());
  }, 120_000);

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  it('lets projections commit while it runs, and counts none of them (applied or still pending) as a difference', async () => {
    expect(await rebuild.run('verify')).toMatchObject({ consistent: true, lockedMs: 0 });
    // Written before the check: A is applied while the check runs; B stays with a projector that has not committed
    // (its events locked, as a batch in flight holds them) until the check is over.
    const a = await verifyEntries(await households(10));
    const b = await verifyEntries(await households(10));
    const inFlight = await session();
    await inFlight.client.query(`SELECT id FROM change_event WHERE id = ANY($1::bigint[]) FOR UPDATE`, [b]);
    // The check is held inside its snapshot: it waits for a table it reads after taking it (training sessions, for
    // volunteer facts) while another transaction holds that table. A projection of households reads none of it.
    const hold = await session();
    await hold.client.query(`LOCK TABLE training_session IN ACCESS EXCLUSIVE MODE`);
    let finished = false;
    const check = rebuild.run('verify').finally(() => (finished = true));
    const waiting = async () =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'training_session'::regclass AND NOT granted`))[0].n > 0;
    for (const deadline = Date.now() + 30_000; !(await waiting());) {
      if (Date.now() > deadline || finished) throw new Error('the check never reached the held table');
      await new Promise((r) => setTimeout(r, 50));
    }
    try {
      // Written after the check's snapshot (C), then A and C applied by a projection job, while the check runs.
      const c = await verifyEntries(await households(10));
      const started = Date.now();
      const outcome = await Promise.race([projector.apply(a[0]), new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), 15_000))]);
      expect(outcome).toBe('applied');
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await pendingOf([...a, ...c])).toBe(0);
      expect(await pendingOf(b)).toBe(b.length); // held by the other projector: skipped
      expect(finished).toBe(false); // the projection committed while the check was running
    } finally {
      await hold.end('COMMIT');
    }
    const report = await check;
    expect(report).toMatchObject({ mode: 'verify', consistent: true, differences: 0, repaired: false, lockedMs: 0 });
    // In its snapshot A and B were pending (compared as projected); C did not exist yet.
    expect(report.pending.events).toBeGreaterThanOrEqual(a.length + b.length);
    expect(report.pending.households).toBeGreaterThanOrEqual(20);
    await inFlight.end('ROLLBACK');
    expect(await projector.apply(b[0])).toBe('applied');
    expect(await pendingOf(b)).toBe(0);
    expect(await rebuild.run('verify')).toMatchObject({ consistent: true, pending: { events: 0 } });
  }, 120_000);

  it('reports and stores a cell corrupted behind the projection’s back, and leaves it for the next check to find again', async () => {
    const service = new RollupCheckService(rebuild, checks(), loadConfig({}));
    expect((await service.nightly()).check.consistent).toBe(true);
    const week = (await checks().digest(new Date()))!; // the backfill that built the rollups found them empty: a difference
    const [cell] = await db.query<{ unit_id: string; bucket: string; households: number }>(
      `SELECT unit_id, bucket::text, households FROM rollup_cell WHERE grain = 'A' AND basis = 0 AND households > 0 ORDER BY unit_id LIMIT 1`,
    );
    await db.query(`UPDATE rollup_cell SET households = households + 7 WHERE unit_id = $1 AND grain = 'A' AND basis = 0`, [cell.unit_id]);

    const first = await service.nightly();
    expect(first.repair).toBeNull();
    expect(first.check).toMatchObject({ consistent: false, repaired: false, differences: 1, origin: 'schedule', cells: { different: 1 } });
    expect(first.check.cells.samples).toEqual([expect.stringMatching(new RegExp(`^changed ${cell.unit_id}/A/`))]);
    // Not repaired: the corrupted value is still there for an operator to look at.
    expect(
      (await db.query<{ households: number }>(`SELECT households FROM rollup_cell WHERE unit_id = $1 AND grain = 'A' AND basis = 0`, [cell.unit_id]))[0]
        .households,
    ).toBe(cell.households + 7);
    // Stored, for health endpoints, operators and the weekly digest.
    const stored = await checks().get(first.check.id);
    expect(stored).toMatchObject({ mode: 'verify', origin: 'schedule', consistent: false, repaired: false, differences: 1 });
    expect(stored!.report).toMatchObject({ cells: { different: 1, samples: first.check.cells.samples } });
    expect(await latestRollupCheck(dataSource)).toMatchObject({ id: first.check.id, consistent: false, repaired: false });
    expect(await checks().digest(new Date())).toMatchObject({
      latest: { id: first.check.id, consistent: false },
      withDifferences: week.withDifferences + 1,
      repairs: week.repairs,
    });

    // With automatic repair off, a second check reports again and repairs nothing.
    const reportOnly = new RollupCheckService(rebuild, checks(), loadConfig({ ROLLUP_AUTO_REPAIR: 'false' }));
    expect(await reportOnly.nightly()).toMatchObject({ check: { consistent: false, differences: 1 }, repair: null });

    // The difference persists across two consecutive checks: the nightly job repairs, on purpose and stored as such.
    const second = await service.nightly();
    expect(second.check).toMatchObject({ consistent: false, differences: 1 });
    expect(second.repair).toMatchObject({ mode: 'repair', origin: 'auto-repair', consistent: false, repaired: true, cells: { different: 1 } });
    expect(second.repair!.lockedMs).toBeGreaterThan(0);
    expect(
      (await db.query<{ households: number }>(`SELECT households FROM rollup_cell WHERE unit_id = $1 AND grain = 'A' AND basis = 0`, [cell.unit_id]))[0]
        .households,
    ).toBe(cell.households);
    expect((await checks().latest(4)).map((c) => [c.mode, c.origin, c.consistent, c.repaired])).toEqual([
      ['repair', 'auto-repair', false, true],
      ['verify', 'schedule', false, false],
      ['verify', 'schedule', false, false],
      ['verify', 'schedule', false, false],
    ]);
    expect(await checks().digest(new Date())).toMatchObject({
      latest: { mode: 'repair', repaired: true },
      withDifferences: week.withDifferences + 4,
      repairs: week.repairs + 1,
    });

    // After a repair, one new difference is reported and left alone again (the check before it was the repair).
    await db.query(`UPDATE rollup_cell SET households = households + 1 WHERE unit_id = $1 AND grain = 'A' AND basis = 0`, [cell.unit_id]);
    expect(await service.nightly()).toMatchObject({ check: { consistent: false }, repair: null });
    await rebuild.run('repair');
    expect((await service.nightly()).check.consistent).toBe(true);
  }, 120_000);
});
