import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '@cdtg/config';
import { ALL_QUEUE_NAMES, QueueName } from './job-names';
import { failedRows, retryFailed } from './outbox.repository';
import { createRedisConnection } from './redis-connection';

export interface FailedJob {
  source: 'bullmq' | 'outbox';
  queue: string;
  id: string;
  name: string;
  attempts: number;
  error: string;
  failedAt: Date | null;
}

/**
 * What an operator needs: the failed set (BullMQ's failed jobs, and outbox rows the relay gave up on) and a way to
 * retry them. Used by `npm run queue -- failed|retry`.
 */
export class QueueAdmin {
  private readonly queues = new Map<QueueName, Queue>();
  private connection?: IORedis;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async failed(): Promise<FailedJob[]> {
    const out: FailedJob[] = [];
    for (const queue of this.bullQueues()) {
      for (const job of await queue.getFailed(0, 999)) {
        out.push({
          source: 'bullmq',
          queue: queue.name,
          id: String(job.id),
          name: job.name,
          attempts: job.attemptsMade,
          error: job.failedReason,
          failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
        });
      }
    }
    for (const row of await failedRows(this.dataSource)) {
      out.push({
        source: 'outbox',
        queue: 'outbox',
        id: row.id,
        name: row.job_name,
        attempts: row.attempts,
        error: row.last_error!, // the relay writes the error when it gives up on a row
        failedAt: null,
      });
    }
    return out;
  }

  /** Retries one failed job (queue + id) or, with no id, every failed job. Returns how many were retried. */
  async retry(target?: { queue: string; id: string }): Promise<number> {
    let count = 0;
    for (const job of await this.failed()) {
      if (target && (job.queue !== target.queue || job.id !== target.id)) continue;
      if (job.source === 'outbox') {
        await retryFailed(this.dataSource, job.id);
      } else {
        const bullJob = await this.bullQueues()
          .find((q) => q.name === job.queue)!
          .getJob(job.id);
        await bullJob?.retry('failed');
      }
      count++;
    }
    return count;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.connection?.quit().catch(() => undefined);
  }

  private bullQueues(): Queue[] {
    if (!this.config.REDIS_URL) return [];
    const connection = (this.connection ??= createRedisConnection(this.config.REDIS_URL, 'consumer', 'cdtg-admin'));
    return ALL_QUEUE_NAMES.map((name) => {
      if (!this.queues.has(name)) this.queues.set(name, new Queue(name, { connection, prefix: this.config.QUEUE_PREFIX }));
      return this.queues.get(name)!;
    });
  }
}
