import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * "These keys changed": written in the transaction of every write that projections (the coverage rollups) must
 * follow. A projection recomputes each key from the committed state, so an event handled twice, late or out of
 * order changes nothing more. `processed_at` is set in the transaction that applied it; the oldest unprocessed id
 * tells how fresh the projections are. Processed events are deleted after QUEUE_RETENTION_DAYS, except the one the
 * freshness answer names (the last event whose every predecessor is processed).
 */
@Entity('change_event')
@Index('change_event_pending_idx', ['id'], { where: 'processed_at IS NULL' })
// The retention purge: processed events, oldest first, in one index range (see ProcessedRowsPurge).
@Index('change_event_processed_idx', ['processedAt'], { where: 'processed_at IS NOT NULL' })
export class ChangeEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** Households whose assistance entries changed. */
  @Column({ type: 'uuid', array: true, default: () => `'{}'` })
  households: string[];

  /** Members whose volunteer activity (entries, sessions) changed. */
  @Column({ type: 'uuid', array: true, default: () => `'{}'` })
  members: string[];

  /** Training sessions whose state or attendance changed. */
  @Column({ type: 'uuid', array: true, default: () => `'{}'` })
  sessions: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  processedAt: Date | null;
}
