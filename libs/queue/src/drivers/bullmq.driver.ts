import { Logger } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { ALL_QUEUE_NAMES, attemptsOf, JOB_QUEUE, JobName, JobSchedule, QueueName } from '../job-names';
import { OutboxMessage } from '../outbox-message.entity';
import { CANCEL_JOB, CancelJobPayload } from '../outbox.service';
import { bullJobId, DispatchResult, QueueDriver } from './queue-driver';

export interface BullmqSettings {
  prefix: string;
  attempts: number;
  backoffMs: number;
}

/** Default options of every job: exponential retries, failed jobs kept for operators, completed jobs kept a week for dedupe. */
export function defaultJobOptions(settings: BullmqSettings): JobsOptions {
  return {
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
    removeOnFail: false,
  };
}

/** The options of one job: the defaults, with the job's own attempts (JOB_ATTEMPTS_OVERRIDE: the rollup check runs once). */
export function jobOptions(settings: BullmqSettings, job: string): JobsOptions {
  return { ...defaultJobOptions(settings), attempts: attemptsOf(job, settings.attempts) };
}

export class BullmqDriver implements QueueDriver {
  readonly kind = 'bullmq' as const;
  private readonly logger = new Logger(BullmqDriver.name);
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: IORedis,
    private readonly settings: BullmqSettings,
  ) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.settings.prefix, defaultJobOptions: defaultJobOptions(this.settings) });
      queue.on('error', (error) => this.logger.warn(`queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  async dispatch(messages: OutboxMessage[]): Promise<DispatchResult> {
    const dispatched: OutboxMessage[] = [];
    const now = Date.now(); // BullMQ counts delays on the machine's clock
    for (const message of messages) {
      const cancel = message.jobName === CANCEL_JOB ? (message.payload as unknown as CancelJobPayload) : null;
      const queueName = JOB_QUEUE[(cancel?.jobName ?? message.jobName) as JobName];
      if (!queueName) {
        return { dispatched, retry: [], failed: [{ message, error: `unknown job name ${cancel?.jobName ?? message.jobName}` }] };
      }
      try {
        if (cancel) {
          // Removes a waiting or delayed job (a running one stays: its handler checks the current state).
          await this.queue(queueName).remove(cancel.jobId);
        } else {
          // The same jobId twice is ignored by BullMQ: a row re-sent after a crash does not duplicate the job.
          await this.queue(queueName).add(message.jobName, message.payload, {
            attempts: attemptsOf(message.jobName, this.settings.attempts),
            jobId: bullJobId(message),
            delay: Math.max(0, new Date(message.runAt).getTime() - now),
          });
        }
        dispatched.push(message);
      } catch (error) {
        const text = (error as Error).message;
        // Redis unreachable: keep this and the rest pending, in order. Any other refusal is about this message
        // alone: it goes to the failed rows (visible to operators) instead of blocking the ones behind it.
        if (this.connection.status !== 'ready') return { dispatched, retry: [{ message, error: text }], failed: [] };
        return { dispatched, retry: [], failed: [{ message, error: text }] };
      }
    }
    return { dispatched, retry: [], failed: [] };
  }

  /** A key written once Redis holds every dispatched job; gone after a restart without persistence or a flush. */
  private get intactKey(): string {
    return `${this.settings.prefix}:cdtg:intact`;
  }

  async lostJobs(): Promise<boolean> {
    return (await this.connection.exists(this.intactKey)) === 0;
  }

  async markIntact(): Promise<void> {
    // eslint-disable-next-line no-restricted-syntax -- only the key's presence counts; its value is for operators
    await this.connection.set(this.intactKey, new Date().toISOString());
  }

  async checkDispatched(messages: OutboxMessage[]): Promise<{ missing: OutboxMessage[]; completed: OutboxMessage[] }> {
    const missing: OutboxMessage[] = [];
    const completed: OutboxMessage[] = [];
    for (const message of messages) {
      const queueName = JOB_QUEUE[message.jobName as JobName];
      if (!queueName) continue;
      const job = await this.queue(queueName).getJob(bullJobId(message));
      const state = job ? await job.getState() : 'unknown';
      if (state === 'unknown') missing.push(message);
      else if (state === 'completed') completed.push(message);
    }
    return { missing, completed };
  }

  /**
   * Makes BullMQ's job schedulers match `schedules` (created or updated in place, and removed when no longer
   * listed). Every worker does this at start; upserting is idempotent, so several workers agree.
   */
  async upsertSchedules(schedules: readonly JobSchedule[]): Promise<void> {
    for (const s of schedules) {
      await this.queue(JOB_QUEUE[s.job]).upsertJobScheduler(
        s.id,
        { pattern: s.pattern, tz: s.tz },
        { name: s.job, data: {}, opts: jobOptions(this.settings, s.job) },
      );
    }
    for (const name of ALL_QUEUE_NAMES) {
      for (const existing of await this.queue(name).getJobSchedulers()) {
        const id = existing.id ?? existing.key;
        if (!schedules.some((s) => s.id === id && JOB_QUEUE[s.job] === name)) await this.queue(name).removeJobScheduler(id);
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
