import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobName } from './job-names';
import { JobPayloads, validatePayload } from './job-payloads';
import { OutboxMessage } from './outbox-message.entity';

export const OUTBOX_CHANNEL = 'cdtg_outbox';

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
      [name, JSON.stringify(valid), options.jobKey ? `${name}.${options.jobKey}`.replace(/:/g, '_') : null, options.aggregate ?? null, options.runAt ?? null],
    )) as { id: string }[];
    await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
    return row.id;
  }

  /** Pending rows, for health checks. */
  async backlog(manager: EntityManager): Promise<{ pending: number; oldestSeconds: number | null; failed: number }> {
    const [row] = (await manager.query(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
              extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending'))::float AS "oldestSeconds",
              count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM outbox_message WHERE status <> 'dispatched'`,
    )) as { pending: number; oldestSeconds: number | null; failed: number }[];
    return row;
  }
}

export type { OutboxMessage };
