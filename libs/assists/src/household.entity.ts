import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { AdminUnit } from '@cdtg/geography';
import { HouseholdKeyKind } from './assist.enums';

/**
 * A household helped by volunteers. Its clear identifier (household code, or address + head name) is never stored:
 * only keyed hashes of it (household_key) and a masked label.
 */
@Entity('household')
// The households still to be placed (HouseholdRekeyService): found without reading the placed ones.
@Index('household_unplaced_idx', ['id'], { where: `kind = 'address' AND place_id IS NULL` })
export class Household {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: HouseholdKeyKind;

  /** e.g. "Ng… V… A…, tổ 12": recognisable to the volunteers, useless to anyone else. */
  @Column({ type: 'text' })
  maskedLabel: string;

  /** Where it was first logged. */
  @Column({ type: 'uuid' })
  firstUnitId: string;

  /**
   * Where it lives, for an address-identified household: the lineage root of its unit (the same place across
   * reorganisations). Part of its key: the same address and head name in two places are two households. Null for a
   * household identified by its household code (unique in the country), and for address households not yet placed
   * (keys from before places were added; placed at start-up by HouseholdRekeyService).
   */
  @Column({ type: 'uuid', nullable: true })
  placeId: string | null;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'place_id' })
  place?: Relation<AdminUnit>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * HMAC of a household's normalised identifier under one version of the server secret. A household gains the current
 * version's hash when it is found under an older one, so secrets can be rotated without losing anyone.
 */
@Entity('household_key')
@Index('household_key_household_idx', ['householdId'])
export class HouseholdKey {
  /** "<version>.<base64url HMAC-SHA256>" */
  @PrimaryColumn({ type: 'text' })
  hash: string;

  @Column({ type: 'uuid' })
  householdId: string;

  @ManyToOne(() => Household, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'household_id' })
  household?: Relation<Household>;

  @Column({ type: 'int' })
  keyVersion: number;
}
