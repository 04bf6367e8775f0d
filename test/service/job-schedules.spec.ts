import { DataSource } from 'typeorm';
import { createDataSource } from '@cdtg/database';
import { JobSchedules, jobIdOf, JobName, OutboxService, QueueDriver } from '@cdtg/queue';
import { DATA_MODEL } from '@cdtg/runtime';
import { TestClock } from '@cdtg/time';
import { createTestDatabase, TestDatabase } from '../support/database';

describe('job schedules without Redis (the in-process driver of npm start)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource(db.url, DATA_MODEL, 2).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('writes the next occurrence to the outbox once, as a delayed row the relay runs when it is due (late after a stop)', async () => {
    const clock = new TestClock('2026-11-25T03:00:00Z'); // a Wednesday
    const schedules = new JobSchedules(dataSource, new OutboxService(), { kind: 'sync' } as QueueDriver, clock);
    const now = clock.now();
    await schedules.planNextOccurrences();
    clock.advance(60_000);
    await schedules.planNextOccurrences(); // every minute, and at every start: still one row
    const rows = await db.query<{ job_name: string; job_id: string; run_at: Date; status: string }>(
      `SELECT job_name, job_id, run_at, status FROM outbox_message ORDER BY run_at`,
    );
    expect(rows).toEqual([
      // The nightly rollup check, 02:30 in Vietnam; the weekly agenda and the department digest, Monday 07:00 and 07:30.
      {
        job_name: JobName.RollupCheck,
        job_id: jobIdOf(JobName.RollupCheck, 'rollup-check:2026-11-25T19:30:00.000Z'),
        run_at: new Date('2026-11-25T19:30:00Z'),
        status: 'pending',
      },
      // The retention purge of processed change events and finished outbox rows, 04:00 in Vietnam.
      {
        job_name: JobName.PurgeProcessed,
        job_id: jobIdOf(JobName.PurgeProcessed, 'purge-processed:2026-11-25T21:00:00.000Z'),
        run_at: new Date('2026-11-25T21:00:00Z'),
        status: 'pending',
      },
      {
        job_name: JobName.WeeklyAgenda,
        job_id: jobIdOf(JobName.WeeklyAgenda, 'weekly-agenda:2026-11-30T00:00:00.000Z'),
        run_at: new Date('2026-11-30T00:00:00Z'),
        status: 'pending',
      },
      {
        job_name: JobName.WeeklyDigest,
        job_id: jobIdOf(JobName.WeeklyDigest, 'weekly-digest:2026-11-30T00:30:00.000Z'),
        run_at: new Date('2026-11-30T00:30:00Z'),
        status: 'pending',
      },
    ]);
    // A delayed row is not backlog until it is due (asked at the test's own time: the real clock has passed these days).
    expect(await new OutboxService().backlog(dataSource.manager, now)).toMatchObject({ pending: 0, failed: 0 });
    expect(await new OutboxService().backlog(dataSource.manager, new Date('2026-11-25T19:30:00Z'))).toMatchObject({ pending: 1, failed: 0 });
    expect(await new OutboxService().backlog(dataSource.manager, new Date('2026-11-25T21:00:00Z'))).toMatchObject({ pending: 2, failed: 0 });
  });
});
