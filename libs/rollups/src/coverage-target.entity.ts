import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A target (chỉ tiêu) of one measure for one unit and period: a percentage for coverage measures, a count for the
 * others (targets.ts holds the measures). Set on the unit in force when it was set (its id: a dated unit, like every
 * unit reference); answers in another tree carry it through the reorganisation links (targets.ts, carryTargets).
 */
@Entity('coverage_target')
export class CoverageTarget {
  @PrimaryColumn({ type: 'uuid' })
  unitId: string;

  /** A target measure's key (TARGET_MEASURES). */
  @PrimaryColumn({ type: 'text' })
  measure: string;

  /** The period's grain: M (month), Q (quarter), Y (year). */
  @PrimaryColumn({ type: 'text' })
  grain: string;

  /** The period's first day (YYYY-MM-DD, Asia/Ho_Chi_Minh). */
  @PrimaryColumn({ type: 'date' })
  periodStart: string;

  /** percent or count (from the measure, kept with the figure). */
  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'numeric', precision: 14, scale: 3 })
  value: string;

  @Column({ type: 'text' })
  updatedBy: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
