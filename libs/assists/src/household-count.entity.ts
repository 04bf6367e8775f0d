import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation, UpdateDateColumn } from 'typeorm';
import { AdminUnit } from '@cdtg/geography';

/** How many households a residential group or commune has, as of a date: the denominator of coverage. */
@Entity('household_count')
@Check('household_count_positive', `households >= 0`)
export class HouseholdCount {
  @PrimaryColumn({ type: 'uuid' })
  unitId: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<AdminUnit>;

  /** The day the figure refers to. */
  @PrimaryColumn({ type: 'date' })
  asOf: string;

  @Column({ type: 'int' })
  households: number;

  /** Who set it (an e-mail, or "system:…" for imports by the system). */
  @Column({ type: 'text' })
  updatedBy: string;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
