import { DataSource } from 'typeorm';
import { createDataSource } from '@cdtg/database';
import { loadDemoActivity, loadDemoCity, seedDemoSessions } from '@cdtg/demo';
import { ProjectorService, RebuildService, RollupRepository, SessionSource } from '@cdtg/rollups';
import { DATA_MODEL } from '@cdtg/runtime';
import { PracticalSteps1796502204875 } from '../../libs/database/src/migrations/1796502204875-practical-steps';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * The two implementations of the counting rules must agree: the projector's (TypeScript, one household, member or
 * session at a time, as the worker runs it) and the rebuild's (set-based SQL with window functions). Thousands of
 * synthetic entries of the demo city — repeat visits, follow-ups settled later, verified and unverified, entries on
 * both sides of the 2025 reform, sessions — are counted both ways and compared fact by fact and cell by cell.
 */
describe('rollups: the incremental projection equals the rebuild', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource(db.url, DATA_MODEL).initialize();
    await loadDemoCity(dataSource);
    await seedDemoSessions(dataSource);
    // A tenth of the demo's households, over six months across the reform: both trees, a short run.
    const activity = await loadDemoActivity(dataSource, { until: '2025-10-31', share: 0.1 });
    expect(activity.entries).toBeGreaterThan(3_000);
  }, 120_000);

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  it('projects every household, member and session from scratch to the same facts and cells', async () => {
    const rebuild = new RebuildService(dataSource);
    expect((await rebuild.run('verify')).consistent).toBe(true);
    for (const table of ['rollup_entry_fact', 'rollup_volunteer_fact', 'rollup_session_fact', 'rollup_cell', 'rollup_mapped_cell', 'rollup_tree_cell'])
      await db.query(`DELETE FROM ${table}`);
    expect((await rebuild.run('verify')).consistent).toBe(false);

    const projector = new ProjectorService(dataSource, new RollupRepository(dataSource), new SessionSource());
    const ids = async (sql: string) => (await db.query<{ id: string }>(sql)).map((r) => r.id);
    const households = await ids(`SELECT DISTINCT household_id AS id FROM assist_entry`);
    const members = await ids(`SELECT DISTINCT unnest(volunteer_ids) AS id FROM assist_entry UNION SELECT member_id FROM session_assignment`);
    const sessions = await ids(`SELECT id FROM training_session`);
    for (let i = 0; i < Math.max(households.length, members.length); i += 400) {
      await dataSource.transaction((manager) =>
        projector.project(manager, { households: households.slice(i, i + 400), members: members.slice(i, i + 400), sessions: i === 0 ? sessions : [] }),
      );
    }
    const report = await rebuild.run('verify');
    expect(report).toMatchObject({
      consistent: true,
      entryFacts: { different: 0 },
      volunteerFacts: { different: 0 },
      sessionFacts: { different: 0 },
      cells: { different: 0 },
      mappedCells: { different: 0 },
      treeCells: { different: 0 },
    });
    expect(report.cells.stored).toBeGreaterThan(1_000);
    expect(report.mappedCells.stored).toBeGreaterThan(100);
    expect(report.treeCells.stored).toBeGreaterThan(10); // the communes of the new city with activity, and the city
  }, 120_000);

  it('applies pending change events in batches: one job takes many events, the others find theirs applied', async () => {
    for (const table of ['rollup_entry_fact', 'rollup_volunteer_fact', 'rollup_session_fact', 'rollup_cell', 'rollup_mapped_cell', 'rollup_tree_cell'])
      await db.query(`DELETE FROM ${table}`);
    const households = (await db.query<{ id: string }>(`SELECT DISTINCT household_id AS id FROM assist_entry ORDER BY 1`)).map((r) => r.id);
    const members = (
      await db.query<{ id: string }>(`SELECT DISTINCT unnest(volunteer_ids) AS id FROM assist_entry UNION SELECT member_id FROM session_assignment`)
    ).map((r) => r.id);
    const sessions = (await db.query<{ id: string }>(`SELECT id FROM training_session`)).map((r) => r.id);
    // Events as the API writes them: 20 households a batch; the members and sessions in the first few.
    const eventIds: string[] = [];
    for (let i = 0; i < households.length; i += 20) {
      const k = i / 20;
      const [row] = await db.query<{ id: string }>(
        `INSERT INTO change_event (households, members, sessions) VALUES ($1::uuid[], $2::uuid[], $3::uuid[]) RETURNING id`,
        [households.slice(i, i + 20), members.slice(k * 20, k * 20 + 20), k === 0 ? sessions : []],
      );
      eventIds.push(row.id);
    }
    expect(eventIds.length).toBeGreaterThan(100);

    const projector = new ProjectorService(dataSource, new RollupRepository(dataSource), new SessionSource());
    const outcomes = { applied: 0, 'already-applied': 0, missing: 0 };
    for (const id of eventIds) outcomes[await projector.apply(id)]++;
    expect(outcomes['already-applied'] + outcomes.applied).toBe(eventIds.length);
    // At most 2,000 keys per transaction: each takes about 90 events of 20 households.
    expect(outcomes.applied).toBeLessThanOrEqual(Math.ceil(eventIds.length / 50));
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM change_event WHERE processed_at IS NULL`))[0].n).toBe(0);
    const report = await new RebuildService(dataSource).run('verify');
    expect(report).toMatchObject({
      consistent: true,
      entryFacts: { different: 0 },
      volunteerFacts: { different: 0 },
      cells: { different: 0 },
      mappedCells: { different: 0 },
      treeCells: { different: 0 },
    });
  }, 120_000);

  it('counts a measure added through the registry alone (practical steps) as a recount from the sessions; its migration fills what is stored', async () => {
    // Per commune-or-higher unit, grain and bucket: the steps of held sessions in its subtree, straight from training_session.
    const recount = () =>
      db.query<{ key: string; n: number }>(
        `SELECT k.id || '/' || g.grain || '/' || g.bucket AS key, sum(p.value::int)::int AS n
           FROM training_session s JOIN admin_unit u ON u.id = s.unit_id
           JOIN admin_unit k ON u.path LIKE k.path || '%' AND k.kind IN ('commune', 'special_zone', 'district', 'province')
          CROSS JOIN LATERAL jsonb_each_text(s.practical_completions) p
          CROSS JOIN LATERAL (VALUES ('M', date_trunc('month', s.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text), ('A', '1900-01-01')) g(grain, bucket)
          WHERE s.status = 'held' AND s.attendance_logged_at IS NOT NULL
          GROUP BY 1 ORDER BY 1`,
      );
    const stored = () =>
      db.query<{ key: string; n: number }>(
        `SELECT unit_id || '/' || grain || '/' || bucket AS key, practical_steps AS n FROM rollup_cell WHERE basis = 0 AND grain IN ('M', 'A') AND practical_steps <> 0 ORDER BY 1`,
      );
    // One more held session, in a ward merged by the 2025 reform (before it): its steps reach today's tree through mapped cells.
    const [old] = await db.query<{ id: string }>(`SELECT id FROM admin_unit WHERE kind = 'commune' AND valid_to < '2025-07-01' ORDER BY code LIMIT 1`);
    await db.query(`CREATE TEMP TABLE s AS SELECT * FROM training_session WHERE status = 'held' LIMIT 1`);
    const [session] = await db.query<{ id: string }>(
      `UPDATE s SET id = gen_random_uuid(), unit_id = $1, starts_at = '2025-03-10T01:00:00Z', ends_at = '2025-03-10T03:00:00Z', attendance_logged_at = '2025-03-10T04:00:00Z',
                    practical_completions = '{"vneid": 7, "digital_literacy": 5}' RETURNING id`,
      [old.id],
    );
    await db.query(`INSERT INTO training_session SELECT * FROM s`);
    const projector = new ProjectorService(dataSource, new RollupRepository(dataSource), new SessionSource());
    await dataSource.transaction((manager) => projector.project(manager, { households: [], members: [], sessions: [session.id] }));
    expect((await recount()).length).toBeGreaterThan(4);
    expect(await stored()).toEqual(await recount());
    expect((await db.query<{ n: number }>(`SELECT sum(practical_steps)::float8 AS n FROM rollup_mapped_cell WHERE grain = 'A' AND basis = 0`))[0].n).not.toBe(
      0,
    );
    const rebuild = new RebuildService(dataSource);
    expect(await rebuild.run('verify')).toMatchObject({
      consistent: true,
      sessionFacts: { different: 0 },
      cells: { different: 0 },
      mappedCells: { different: 0 },
      treeCells: { different: 0 },
    });

    // Its migration, on what is stored: cells filled from the session facts; mapped and tree cells refilled by the next check.
    const migration = new PracticalSteps1796502204875();
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await stored()).toEqual(await recount());
    expect((await db.query<{ stale: boolean }>(`SELECT stale FROM rollup_geography`))[0].stale).toBe(true);
    expect(await rebuild.run('verify')).toMatchObject({ consistent: true, remapped: true, differences: 0 });
    expect(await rebuild.run('verify')).toMatchObject({ consistent: true, remapped: false, mappedCells: { different: 0 }, treeCells: { different: 0 } });
  }, 120_000);
});
