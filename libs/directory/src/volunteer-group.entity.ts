import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { AdminUnit } from '@cdtg/geography';
import { GroupStatus } from './directory.enums';

/** A tổ công nghệ số cộng đồng: serves one unit (normally a residential group or a commune). */
@Entity('volunteer_group')
@Index('volunteer_group_natural_key', ['unitId', 'nameSearch'], { unique: true })
@Index('volunteer_group_unit_idx', ['unitId'])
@Index('volunteer_group_name_trgm', { synchronize: false })
export class VolunteerGroup {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** The name folded (no diacritics, lower case) for search and the natural key. */
  @Column({ type: 'text' })
  nameSearch: string;

  @Column({ type: 'uuid' })
  unitId: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<AdminUnit>;

  /** Founding decision: number (e.g. 125/QĐ-UBND) and date. */
  @Column({ type: 'text', nullable: true })
  decisionNumber: string | null;

  @Column({ type: 'date', nullable: true })
  decisionDate: string | null;

  @Column({ type: 'text', default: GroupStatus.Active })
  status: GroupStatus;

  @Column({ type: 'date', nullable: true })
  dissolvedOn: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
