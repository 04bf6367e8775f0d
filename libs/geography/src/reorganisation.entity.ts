import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { AdminUnit } from './admin-unit.entity';

export enum ReorganisationKind {
  Merge = 'merge',
  Split = 'split',
  Rename = 'rename',
  Reparent = 'reparent',
  Abolish = 'abolish',
}

export enum ShareKind {
  Full = 'full',
  Partial = 'partial',
}

/** A dated change of the tree: its links say which old unit went (wholly or partly) into which new one. */
@Entity('reorganisation')
@Index('reorganisation_date_idx', ['effectiveDate'])
export class Reorganisation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'date' })
  effectiveDate: string;

  @Column({ type: 'text' })
  kind: ReorganisationKind;

  /** The legal basis, e.g. "Nghị quyết 1659/NQ-UBTVQH15". */
  @Column({ type: 'text', nullable: true })
  decision: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @OneToMany(() => ReorganisationLink, (link) => link.reorganisation)
  links?: Relation<ReorganisationLink[]>;
}

@Entity('reorganisation_link')
@Index('reorganisation_link_from_idx', ['fromUnitId'])
@Index('reorganisation_link_to_idx', ['toUnitId'])
@Index('reorganisation_link_unique', ['reorganisationId', 'fromUnitId', 'toUnitId'], { unique: true })
export class ReorganisationLink {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  reorganisationId: string;

  @ManyToOne(() => Reorganisation, (r) => r.links, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reorganisation_id' })
  reorganisation?: Relation<Reorganisation>;

  @Column({ type: 'uuid' })
  fromUnitId: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_unit_id' })
  fromUnit?: Relation<AdminUnit>;

  /** Null when the old unit was abolished without a successor. */
  @Column({ type: 'uuid', nullable: true })
  toUnitId: string | null;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'to_unit_id' })
  toUnit?: Relation<AdminUnit> | null;

  @Column({ type: 'text' })
  share: ShareKind;

  /** Fraction of the old unit (households) that went to the new one: 1 for full; estimated when not published. */
  @Column({ type: 'numeric', precision: 6, scale: 5 })
  fraction: string;

  @Column({ type: 'boolean', default: false })
  fractionEstimated: boolean;
}
