import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { AdminUnit } from './admin-unit.entity';

/**
 * The place a unit belongs to (the lineage root, see lineageRoots), fixed the first time it is asked for: households
 * are keyed by it, so it must not move when reorganisation links are corrected or added later. A table of its own, so
 * that fixing a root does not count as a change of the administrative tree (no geography version bump).
 */
@Entity('unit_lineage')
export class UnitLineage {
  @PrimaryColumn({ type: 'uuid' })
  unitId: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<AdminUnit>;

  @Column({ type: 'uuid' })
  rootId: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'root_id' })
  root?: Relation<AdminUnit>;
}
