import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CoverageExport } from './coverage-export.entity';
import { RollupCheck } from './rollup-check.entity';
import { CoverageTarget } from './coverage-target.entity';
import { MEASURES, SESSION_RECORDS } from './measures';

/**
 * What one valid assistance entry counts for (see facts.ts): written by the projector, read for days and small units.
 * Read by unit and day through a covering index (unit_id, day) INCLUDE (the flags): an index-only scan instead of a
 * heap page per fact (see the fact-indexes migration).
 */
@Entity('rollup_entry_fact')
@Index('rollup_entry_fact_household_idx', ['householdId'])
@Index('rollup_entry_fact_unit_day_idx', { synchronize: false })
export class RollupEntryFact {
  @PrimaryColumn({ type: 'uuid' })
  entryId: string;

  @Column({ type: 'uuid' })
  householdId: string;

  @Column({ type: 'uuid' })
  unitId: string;

  @Column({ type: 'date' })
  day: string;

  /** Bits: counted, first of the household in its day, week, month, quarter, year, ever (all entries). */
  @Column({ type: 'smallint' })
  aFlags: number;

  /** The same among verified entries only (0 when the entry is not verified). */
  @Column({ type: 'smallint' })
  vFlags: number;

  /** Bit i: service i of the catalogue done / left for a follow-up. */
  @Column({ type: 'smallint' })
  doneBits: number;

  @Column({ type: 'smallint' })
  followUpBits: number;

  /** Change in the household's open follow-ups (all entries / verified only). */
  @Column({ type: 'smallint' })
  aNet: number;

  @Column({ type: 'smallint' })
  vNet: number;
}

/** A day a member was active, placed where they were first active that day. Read by unit and day like entry facts (covering index). */
@Entity('rollup_volunteer_fact')
@Index('rollup_volunteer_fact_unit_day_idx', { synchronize: false })
export class RollupVolunteerFact {
  @PrimaryColumn({ type: 'uuid' })
  memberId: string;

  @PrimaryColumn({ type: 'date' })
  day: string;

  @Column({ type: 'uuid' })
  unitId: string;

  /** Bits as for entries: first active day of the member in its week, month, quarter, year, ever. */
  @Column({ type: 'smallint' })
  flags: number;
}

/** A held training session's figures. */
@Entity('rollup_session_fact')
@Index('rollup_session_fact_unit_day_idx', ['unitId', 'day'])
export class RollupSessionFact {
  @PrimaryColumn({ type: 'uuid' })
  sessionId: string;

  @Column({ type: 'uuid' })
  unitId: string;

  @Column({ type: 'date' })
  day: string;
}

// What a held session records for the measures that read it (participants, trained by gender and age band...): one int
// column per entry of SESSION_RECORDS, named after its measure.
for (const { column } of SESSION_RECORDS) Column({ type: 'int', name: column })(RollupSessionFact.prototype, column);

/** The key of a cell (and of a mapped cell): a unit, a grain and its bucket, a basis. */
abstract class CellKeyColumns {
  @PrimaryColumn({ type: 'uuid' })
  unitId: string;

  @PrimaryColumn({ type: 'char', length: 1 })
  grain: string;

  @PrimaryColumn({ type: 'date' })
  bucket: string;

  @PrimaryColumn({ type: 'smallint' })
  basis: number;
}

/**
 * Pre-aggregated measures of a commune-or-higher unit's own subtree for one bucket: a week, month, quarter or year
 * (bucket = its first day) or all time ('A'), in one basis (0: all entries, 1: verified only). Only nonzero cells exist.
 */
@Entity('rollup_cell')
export class RollupCell extends CellKeyColumns {}

// The measure columns, one int per entry of MEASURES, declared from the list so that table and list cannot differ.
for (const measure of MEASURES) Column({ type: 'int', name: measure, default: 0 })(RollupCell.prototype, measure);

/**
 * What facts logged in units of other periods add to the cells of the commune-or-higher units in force on the
 * geography day (rollup_geography): F(X, T) − [T on X's path] times each fact of an old unit X (see
 * GeographyMap.mappedShares). A unit's cell plus its mapped cell is its figure in that geography, so a question in
 * today's tree reads one row per unit and bucket instead of summing the old units' facts. Shares of split units are
 * fractional: numeric, exact to 6 decimals.
 */
@Entity('rollup_mapped_cell')
export class RollupMappedCell extends CellKeyColumns {
  /** True for what split units add by their shares: a figure that includes a nonzero split row is apportioned. */
  @PrimaryColumn({ type: 'boolean' })
  split: boolean;
}

for (const measure of MEASURES) Column({ type: 'numeric', name: measure, default: 0 })(RollupMappedCell.prototype, measure);

/** The parent of a unit at the top of the tree (a province), in `rollup_tree_cell`. */
export const NO_PARENT = '00000000-0000-0000-0000-000000000000';

/**
 * Every measure of a commune-or-higher unit in force on the geography day, all time, in that day's tree: its cell
 * plus its mapped cell for grain 'A', one row per unit, basis and split, keyed by the unit's parent first. "To date up
 * to today" of a unit's children, the department's question, is one range of this small table. Kept by the projector
 * and the rebuild together with the mapped cells, and valid with them (rollup_geography).
 */
@Entity('rollup_tree_cell')
export class RollupTreeCell {
  /** The unit's parent (NO_PARENT for a province). */
  @PrimaryColumn({ type: 'uuid' })
  parentId: string;

  @PrimaryColumn({ type: 'smallint' })
  basis: number;

  @PrimaryColumn({ type: 'uuid' })
  unitId: string;

  /** True for what split units add by their shares (as in mapped cells). */
  @PrimaryColumn({ type: 'boolean' })
  split: boolean;
}

for (const measure of MEASURES) Column({ type: 'numeric', name: measure, default: 0 })(RollupTreeCell.prototype, measure);

/** The geography the mapped cells are kept in (one row): its day, the signature of its map, and whether it is stale. */
@Entity('rollup_geography')
export class RollupGeography {
  @PrimaryColumn({ type: 'smallint', default: 1 })
  id: number;

  @Column({ type: 'date' })
  day: string;

  @Column({ type: 'text' })
  signature: string;

  /** Set by a projector whose map no longer has the signature (the tree changed): the cells wait for a rebuild. */
  @Column({ type: 'boolean', default: false })
  stale: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  builtAt: Date;
}

export const ROLLUP_ENTITIES = [
  RollupEntryFact,
  RollupVolunteerFact,
  RollupSessionFact,
  RollupCell,
  RollupMappedCell,
  RollupTreeCell,
  RollupGeography,
  CoverageExport,
  RollupCheck,
  CoverageTarget,
];
