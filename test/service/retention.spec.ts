import { DataSource } from 'typeorm';
import { loadConfig } from '@cdtg/config';
import { createDataSource } from '@cdtg/database';
import { ProcessedRowsPurge } from '@cdtg/queue';
import { RollupRepository } from '@cdtg/rollups';
import { DATA_MODEL } from '@cdtg/runtime';
import { TestClock } from '@cdtg/time';
import { createTestDatabase, TestDatabase } from '../support/database';

/**
 * Retention of processed change events and finished outbox rows (the nightly purge): rows older than
 * QUEUE_RETENTION_DAYS go, in bounded batches; unprocessed events, the event the freshness answer names, and outbox
 * rows the relay or the operators still need stay; a second run deletes nothing.
 */
describe('retention of processed change events and finished outbox rows', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let purge: ProcessedRowsPurge;
  const now = new Date();
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource(db.url, DATA_MODEL, 2).initialize();
    purge = new ProcessedRowsPurge(dataSource, loadConfig({}), new TestClock(now)); // 7 days
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  /** Change events created and processed (or not) that many days ago; returns their ids in order. */
  const events = async (count: number, createdDaysAgo: number, processedDaysAgo: number | null) =>
    (
      await db.query<{ id: string }>(
        `INSERT INTO change_event (households, created_at, processed_at) SELECT '{}', $1, $2 FROM generate_series(1, $3) RETURNING id::text AS id`,
        [daysAgo(createdDaysAgo), processedDaysAgo === null ? null : daysAgo(processedDaysAgo), count],
      )
    ).map((r) => r.id);
  const remaining = async () => (await db.query<{ id: string }>(`SELECT id::text AS id FROM change_event ORDER BY id`)).map((r) => r.id);
  /** What the coverage answers' `asOf` says (the repository's freshness read, in its snapshot). */
  const freshness = () => {
    const repository = new RollupRepository(dataSource);
    return repository.snapshot((snapshot) => repository.freshness(snapshot));
  };

  it('deletes processed change events past retention, never pending ones nor the event freshness names', async () => {
    const oldProcessed = await events(25, 10, 10);
    const [stuck] = await events(1, 10, null); // an event still waiting, 10 days old
    const afterStuck = await events(4, 10, 10);
    const recent = await events(3, 1, 1);
    const before = await freshness();
    expect(before).toMatchObject({ eventId: oldProcessed[24], pending: 1 });

    // Batches of 10: 24 rows in three statements (10, 10, 4).
    expect(await purge.purge(now, 10)).toMatchObject({ changeEvents: 24, outboxMessages: 0 });
    // Kept: the event freshness names (the last one before the one waiting), the one waiting, everything after it.
    expect(await remaining()).toEqual([oldProcessed[24], stuck, ...afterStuck, ...recent]);
    expect(await freshness()).toMatchObject({ eventId: before.eventId, at: before.at, pending: 1 });
    expect((await purge.purge(now, 10)).changeEvents).toBe(0);

    // Once it is processed, the older ones go; the recent ones stay.
    await db.query(`UPDATE change_event SET processed_at = $2 WHERE id = $1`, [stuck, daysAgo(9)]);
    expect((await purge.purge(now, 10)).changeEvents).toBe(6);
    expect(await remaining()).toEqual(recent);

    // Nothing recent at all: the newest processed event stays, so freshness still names it.
    await db.query(`UPDATE change_event SET created_at = $1, processed_at = $1`, [daysAgo(30)]);
    const quiet = await freshness();
    expect(quiet.eventId).toBe(recent[2]);
    expect((await purge.purge(now, 10)).changeEvents).toBe(2);
    expect(await remaining()).toEqual([recent[2]]);
    expect(await freshness()).toMatchObject({ eventId: recent[2], pending: 0 });
    expect((await purge.purge(now, 10)).changeEvents).toBe(0);
  });

  it('deletes done and cancelled outbox rows past retention, keeping pending, dispatched and failed ones', async () => {
    const row = async (status: string, createdDaysAgo: number, jobName = 'mail.send') =>
      (
        await db.query<{ id: string }>(
          `INSERT INTO outbox_message (job_name, payload, status, created_at, run_at, dispatched_at) VALUES ($1, '{}', $2, $3, $3, CASE WHEN $2 <> 'pending' THEN $3::timestamptz END) RETURNING id::text AS id`,
          [jobName, status, daysAgo(createdDaysAgo)],
        )
      )[0].id;
    const kept = [
      await row('pending', 30), // waiting (a delayed job, or Redis unreachable for a long time)
      await row('dispatched', 30), // handed to BullMQ, not completed: sent again if Redis loses it
      await row('failed', 30), // the operators' failed set
      await row('done', 6),
      await row('cancelled', 1),
    ];
    const gone = [];
    for (let i = 0; i < 23; i++) gone.push(await row('done', 8 + i));
    gone.push(await row('cancelled', 20), await row('done', 40, 'outbox.cancel'));

    const report = await purge.purge(now, 10);
    expect(report).toMatchObject({ outboxMessages: gone.length });
    expect(report.statements).toBeGreaterThanOrEqual(3 + 1); // outbox in batches of 10 (and the change events' one)
    expect((await db.query<{ id: string }>(`SELECT id::text AS id FROM outbox_message ORDER BY id`)).map((r) => r.id)).toEqual(kept);
    expect((await purge.purge(now, 10)).outboxMessages).toBe(0);
  });

  it('reads them through their partial indexes, oldest first', async () => {
    // With enough rows for the planner to prefer an index over a sequential scan of a tiny table.
    await events(5_000, 30, 30);
    await db.query(`ANALYZE change_event`);
    const plan = (
      await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM change_event WHERE processed_at IS NOT NULL AND processed_at < now() - interval '7 days' AND id < 100000 ORDER BY processed_at LIMIT 10000`,
      )
    )
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain('change_event_processed_idx');
    await db.query(
      `INSERT INTO outbox_message (job_name, payload, status, created_at) SELECT 'mail.send', '{}', 'done', now() - interval '30 days' FROM generate_series(1, 5000)`,
    );
    await db.query(`ANALYZE outbox_message`);
    const outboxPlan = (
      await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM outbox_message WHERE status IN ('done', 'cancelled') AND created_at < now() - interval '7 days' ORDER BY created_at LIMIT 10000`,
      )
    )
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(outboxPlan).toContain('outbox_message_finished_idx');
    expect(await purge.purge(now)).toMatchObject({ changeEvents: 5_000, outboxMessages: 5_000 });
  });
});
