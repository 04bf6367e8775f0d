import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobName } from './job-names';
import { JobPayloads, validatePayload } from './job-payloads';
import { OutboxMessage } from './outbox-message.entity';

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
    const [row] = (await manager.query(
      `INSERT INTO outbox_message (job_name, payload, job_id, aggregate, run_at)
       VALUES ($1, $2, $3, $4, COALESCE($5, now()))
       RETURNING id`,
      [name, JSON.stringify(valid), options.jobKey ? jobIdOf(name, options.jobKey) : null, options.aggregate ?? null, options.runAt ?? null],
    )) as { id: string }[];
    await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
    return row.id;
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
    await manager.query(`UPDATE outbox_message SET status = 'cancelled' WHERE job_id = $1 AND status = 'pending'`, [jobId]);
    const dispatched = (await manager.query(`SELECT 1 FROM outbox_message WHERE job_id = $1 AND status = 'dispatched' LIMIT 1`, [jobId])) as unknown[];
    if (dispatched.length === 0) return;
    await manager.query(`INSERT INTO outbox_message (job_name, payload, aggregate) VALUES ($1, $2, $3)`, [
      CANCEL_JOB,
      JSON.stringify({ jobName: name, jobId } satisfies CancelJobPayload),
      `cancel:${jobId}`,
    ]);
    await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
  }

  /** Rows that are due at `now` and have not left (delayed jobs are not backlog until their time), for health checks. */
  // eslint-disable-next-line no-restricted-syntax -- the queue's real lag: the relay runs rows by the database's clock
  async backlog(manager: EntityManager, now: Date = new Date()): Promise<{ pending: number; oldestSeconds: number | null; failed: number }> {
    const [row] = (await manager.query(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
              extract(epoch FROM $1::timestamptz - min(created_at) FILTER (WHERE status = 'pending'))::float AS "oldestSeconds",
              count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM outbox_message WHERE (status = 'pending' AND run_at <= $1::timestamptz) OR status = 'failed'`,
      [now],
    )) as { pending: number; oldestSeconds: number | null; failed: number }[];
    return row;
  }
}

export type { OutboxMessage };
