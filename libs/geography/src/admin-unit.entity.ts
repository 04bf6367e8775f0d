import { Column, Entity, Exclusion, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';

export enum UnitKind {
  Province = 'province',
  District = 'district',
  Commune = 'commune',
  SpecialZone = 'special_zone',
  ResidentialGroup = 'residential_group',
}

/**
 * One administrative unit for one period. Official codes are reused across reorganisations, so a unit is
 * identified by code + period, never by code alone (the exclusion constraint forbids two units with one code in
 * overlapping periods). A unit never changes parent: a re-parenting creates a new version, linked to the old one by
 * a reorganisation. That keeps `path` (the ids of its ancestors and itself) fixed, so a subtree is one index range.
 */
@Entity('admin_unit')
@Exclusion(
  'admin_unit_code_period_excl',
  `USING gist ("code" WITH =, daterange(COALESCE("valid_from", '-infinity'::date), COALESCE("valid_to", 'infinity'::date), '[]') WITH &&)`,
)
@Index('admin_unit_path_idx', { synchronize: false })
@Index('admin_unit_parent_idx', ['parentId'])
@Index('admin_unit_code_idx', ['code'])
export class AdminUnit {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  code: string;

  /** Official name with its type word, e.g. "Phường Hải Châu". */
  @Column({ type: 'text' })
  name: string;

  /** The type word: Phường, Xã, Thị trấn, Quận, Huyện, Thị xã, Thành phố, Tỉnh, Đặc khu, Tổ dân phố, Thôn. */
  @Column({ type: 'text' })
  typeWord: string;

  @Column({ type: 'text' })
  kind: UnitKind;

  @Column({ type: 'uuid', nullable: true })
  parentId: string | null;

  @ManyToOne(() => AdminUnit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Relation<AdminUnit> | null;

  /** "/<root id>/…/<own id>/": ancestors and itself. */
  @Column({ type: 'text' })
  path: string;

  @Column({ type: 'int' })
  depth: number;

  /** Inclusive; null = in force before records began. */
  @Column({ type: 'date', nullable: true })
  validFrom: string | null;

  /** Inclusive; null = still in force. */
  @Column({ type: 'date', nullable: true })
  validTo: string | null;

  /** Generated for the demo city (residential groups are not in the official data). */
  @Column({ type: 'boolean', default: false })
  synthetic: boolean;
}
