import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who ran a check or a repair: the nightly schedule, its deliberate repair, an operator's command or job, a service call. */
export type RollupCheckOrigin = 'schedule' | 'auto-repair' | 'cli' | 'job' | 'service';

/**
 * The outcome of every rollup check and repair (RebuildService.run): what the operators' command, the worker's
 * health and the department's weekly digest read, and what the nightly job reads to decide whether differences
 * persist. One row a night; kept.
 */
@Entity('rollup_check')
export class RollupCheck {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** verify: compared only; repair: compared and replaced under the rollup lock. */
  @Column({ type: 'text' })
  mode: 'verify' | 'repair';

  @Column({ type: 'text' })
  origin: RollupCheckOrigin;

  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'timestamptz' })
  finishedAt: Date;

  /** True when the incremental tables equalled the recount (before any repair). */
  @Column({ type: 'boolean' })
  consistent: boolean;

  @Column({ type: 'boolean' })
  repaired: boolean;

  /** Rows that differed, summed over the tables compared. */
  @Column({ type: 'int' })
  differences: number;

  /** The whole report (per table counts, sample keys, pending keys, durations). */
  @Column({ type: 'jsonb' })
  report: Record<string, unknown>;
}
