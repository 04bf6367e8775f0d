import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobName } from './job-names';
import { JobPayloads, validatePayload } from './job-payloads';
import { OutboxMessage } from './outbox-message.entity';
import { cancelPendingJob, hasDispatchedJob, insertOutboxRow, notifyOutbox, outboxBacklog } from './outbox.repository';

export const OUTBOX_CHANNEL = 'cdtg_outbox';

/**
 * Not a job: an outbox row with this name asks the relay to remove a job it handed over earlier (see
 * OutboxService.cancel). The drivers carry it out themselves; no handler runs.
 */
export const CANCEL_JOB = 'outbox.cancel';

export interface CancelJobPayload {
  jobName: JobName;
  /** The stable job id (the BullMQ job id) of the job to remove. */
  jobId: string;
}

/** The stable job id of a job enqueued with a key: the BullMQ job id and outbox_message.job_id. */
export const jobIdOf = (name: JobName, jobKey: string): string => `${name}.${jobKey}`.replace(/:/g, '_');

export interface EnqueueOptions {
  /** The object the job is about; for operators and ordering. */
  aggregate?: string;
  /** A stable id: enqueueing twice with the same key yields one BullMQ job. Defaults to the outbox row id. */
  jobKey?: string;
  /** Run not before this time. */
  runAt?: Date;
}

/**
 * The only way to queue a job. It writes an outbox row with the caller's EntityManager, so the job exists exactly
 * when the caller's transaction commits: Redis being down delays the job, it never loses it.
 */
@Injectable()
export class OutboxService {
  async enqueue<N extends JobName>(manager: EntityManager, name: N, payload: JobPayloads[N], options: EnqueueOptions = {}): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(`OutboxService.enqueue(${name}) must run inside the transaction of the change that causes it`);
    }
    const valid = validatePayload(name, payload);
    const id = await insertOutboxRow(manager, {
      jobName: name,
      payload: JSON.stringify(valid),
      jobId: options.jobKey ? jobIdOf(name, options.jobKey) : null,
      aggregate: options.aggregate ?? null,
      runAt: options.runAt ?? null,
    });
    await notifyOutbox(manager, OUTBOX_CHANNEL);
    return id;
  }

  /**
   * Withdraws a job enqueued with `jobKey` (a delayed reminder that is no longer wanted), in the caller's
   * transaction. A row that has not left the outbox is marked cancelled; a job already handed to the queue is
   * removed from it by the relay, in order, after the rows before it. A job that is already running is not stopped:
   * handlers check the current state when they run, so removal is tidiness, never what correctness rests on.
   */
  async cancel(manager: EntityManager, name: JobName, jobKey: string): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(`OutboxService.cancel(${name}) must run inside the transaction of the change that causes it`);
    }
    const jobId = jobIdOf(name, jobKey);
    // Waits for a relay that is handing this row over (it locks the rows it moves), then reads its outcome.
    await cancelPendingJob(manager, jobId);
    if (!(await hasDispatchedJob(manager, jobId))) return;
    await insertOutboxRow(manager, {
      jobName: CANCEL_JOB,
      payload: JSON.stringify({ jobName: name, jobId } satisfies CancelJobPayload),
      aggregate: `cancel:${jobId}`,
    });
    await notifyOutbox(manager, OUTBOX_CHANNEL);
  }

  /** Rows that are due at `now` and have not left (delayed jobs are not backlog until their time), for health checks. */
  // eslint-disable-next-line no-restricted-syntax -- the queue's real lag: the relay runs rows by the database's clock
  backlog(manager: EntityManager, now: Date = new Date()): Promise<{ pending: number; oldestSeconds: number | null; failed: number }> {
    return outboxBacklog(manager, now);
  }
}

export type { OutboxMessage };
