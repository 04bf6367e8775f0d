import { randomBytes } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import { BullmqDriver, createRedisConnection, JOB_SCHEDULES, JobHandlerRegistry, JobName, OutboxMessage, QueueName } from '@cdtg/queue';
import { SyncDriver } from '../../libs/queue/src/drivers/sync.driver';
import { REDIS_URL } from '../support/test-env';

const message = (id: string, jobName: JobName): OutboxMessage =>
  ({
    id,
    jobName,
    payload: {},
    jobId: null,
    aggregate: null,
    runAt: new Date(),
    status: 'pending',
    attempts: 0,
    availableAt: new Date(),
    lastError: null,
    createdAt: new Date(),
    dispatchedAt: null,
  }) as OutboxMessage;

/**
 * Attempts are set per job: the nightly rollup check has one (a failed check waits for the next night or an operator,
 * it is never run again at once), every other job the configured JOB_ATTEMPTS. On BullMQ (real Redis) and in process.
 */
describe('job attempts per job', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const driver = new BullmqDriver(createRedisConnection(REDIS_URL, 'producer', 'test-attempts'), { prefix, attempts: 3, backoffMs: 10 });
  const reports = new Queue(QueueName.Reports, { connection: { url: REDIS_URL }, prefix });

  afterAll(async () => {
    await driver.upsertSchedules([]);
    for (const name of Object.values(QueueName)) await driver.queue(name).obliterate({ force: true });
    await reports.close();
    await driver.close();
  });

  it('gives the rollup check one attempt on BullMQ, as a job and as the job scheduler’s template; a failure is not retried', async () => {
    await driver.upsertSchedules(JOB_SCHEDULES);
    expect((await reports.getJobScheduler('rollup-check'))!.template?.opts?.attempts).toBe(1);
    expect((await reports.getJobScheduler('weekly-digest'))!.template?.opts?.attempts).toBe(3);

    const runs = new Map<string, number>();
    const worker = new Worker(
      QueueName.Reports,
      async (job: Job) => {
        runs.set(job.name, (runs.get(job.name) ?? 0) + 1);
        throw new Error('the database went away');
      },
      { connection: { url: REDIS_URL }, prefix, concurrency: 2 },
    );
    try {
      const { dispatched } = await driver.dispatch([message('1', JobName.RollupCheck), message('2', JobName.WeeklyDigest)]);
      expect(dispatched).toHaveLength(2);
      const settled = async (id: string) => {
        for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
          // The state first, then the job: a job read before its state could be one attempt behind it.
          if ((await reports.getJobState(id)) === 'failed') return (await reports.getJob(id))!;
        }
        throw new Error(`job ${id} did not fail for good`);
      };
      const check = await settled('o1');
      const digest = await settled('o2');
      expect(check.opts.attempts).toBe(1);
      expect(check.attemptsMade).toBe(1);
      expect(digest.attemptsMade).toBe(3);
      await new Promise((r) => setTimeout(r, 300)); // backoff is 10 ms: a retry would have run by now
      expect(runs.get(JobName.RollupCheck)).toBe(1);
      expect(runs.get(JobName.WeeklyDigest)).toBe(3);
    } finally {
      await worker.close();
    }
  });

  it('gives the rollup check one attempt in process too (the outbox row fails at once)', async () => {
    const registry = { run: () => Promise.reject(new Error('the database went away')) } as unknown as JobHandlerRegistry;
    const sync = new SyncDriver(registry, 3);
    const result = await sync.dispatch([message('1', JobName.RollupCheck), message('2', JobName.WeeklyDigest)]);
    expect(result.failed.map((f) => f.message.jobName)).toEqual([JobName.RollupCheck]);
    expect(result.retry.map((f) => f.message.jobName)).toEqual([JobName.WeeklyDigest]);
  });
});
