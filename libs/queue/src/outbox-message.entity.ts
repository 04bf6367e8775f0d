import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * pending → dispatched (handed to the queue) → done (its job completed), failed (given up on), or cancelled (withdrawn
 * before it left, or removed from the queue by a cancel row). A dispatched row whose job Redis lost goes back to pending.
 * Done and cancelled rows are deleted after QUEUE_RETENTION_DAYS; pending, dispatched and failed rows are kept.
 */
export type OutboxStatus = 'pending' | 'dispatched' | 'done' | 'failed' | 'cancelled';

/**
 * A job written in the same transaction as the change that caused it. The relay moves pending rows to BullMQ
 * (or, without Redis in development, runs them in process) in id order.
 */
@Entity('outbox_message')
@Index('outbox_message_pending_idx', ['id'], { where: `status = 'pending'` })
@Index('outbox_message_dispatched_idx', ['dispatchedAt'], { where: `status = 'dispatched'` })
@Index('outbox_message_job_id_idx', ['jobId'])
// The retention purge: finished rows, oldest first, in one index range (see ProcessedRowsPurge).
@Index('outbox_message_finished_idx', ['createdAt'], { where: `status IN ('done', 'cancelled')` })
export class OutboxMessage {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'text' })
  jobName: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  /** Stable BullMQ job id when the producer gave a key; otherwise "o<id>". Re-dispatching is a no-op while BullMQ keeps the job. */
  @Column({ type: 'text', nullable: true })
  jobId: string | null;

  /** The object the job is about, e.g. "email:<uuid>"; for operators and ordering. */
  @Column({ type: 'text', nullable: true })
  aggregate: string | null;

  /** Not before this time (delayed jobs). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  runAt: Date;

  @Column({ type: 'text', default: 'pending' })
  status: OutboxStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** When the relay may try this row again after a failure. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  availableAt: Date;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  dispatchedAt: Date | null;
}
