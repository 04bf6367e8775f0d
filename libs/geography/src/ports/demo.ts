import { Insertable, sql } from 'kysely';
import { all, anyOf, chunked, columnsOf, Executor, first, PgTypes, unnestRows } from '@cdtg/database';
import { db, GeographyTables } from '../db';

/*
 * Read and write ports for @cdtg/demo, which seeds whole cities and a national tree in bulk inside one transaction
 * (its caller's executor). Writes skip the import service on purpose: the seeded rows are synthetic and many.
 */

/** True when any unit exists (with `code`: any unit with that code). The seeds' "already seeded" check. */
export async function hasDemoUnits(on: Executor, code?: string): Promise<boolean> {
  let query = db.selectFrom('admin_unit').select(sql<number>`1`.as('one'));
  if (code !== undefined) query = query.where('code', '=', code);
  return (await first(on, query.limit(1))) !== undefined;
}

/** The unit in force (no end date) with this code. */
export async function currentUnitByCode(on: Executor, code: string): Promise<{ id: string; name: string; path: string } | undefined> {
  return first(on, db.selectFrom('admin_unit').select(['id', 'name', 'path']).where('code', '=', code).where('valid_to', 'is', null));
}

export interface DemoUnitRef {
  id: string;
  code: string;
  name: string;
  typeWord: string;
  path: string;
  depth: number;
}

/** The communes under a province, both ending on `validTo`, by code. */
export async function demoCommunesOf(on: Executor, provinceCode: string, validTo: string): Promise<DemoUnitRef[]> {
  return all(
    on,
    db
      .selectFrom('admin_unit as p')
      .innerJoin('admin_unit as c', (join) => join.on('c.path', 'like', sql<string>`${sql.ref('p.path')} || '%'`).on('c.kind', '=', 'commune'))
      .select(['c.id', 'c.code', 'c.name', 'c.type_word as typeWord', 'c.path', 'c.depth'])
      .where('p.code', '=', provinceCode)
      .where('p.kind', '=', 'province')
      .where('p.valid_to', '=', sql<string>`${validTo}::date`)
      .where('c.valid_to', '=', sql<string>`${validTo}::date`)
      .orderBy('c.code'),
  );
}

/** What the reorganisations effective on `effectiveDate` made of these units: one row per link, by successor code. */
export async function demoSuccessorsOf(on: Executor, effectiveDate: string, fromIds: string[]): Promise<(DemoUnitRef & { fromId: string })[]> {
  return all(
    on,
    db
      .selectFrom('reorganisation_link as l')
      .innerJoin('reorganisation as r', 'r.id', 'l.reorganisation_id')
      .innerJoin('admin_unit as t', 't.id', 'l.to_unit_id')
      .select(['l.from_unit_id as fromId', 't.id', 't.code', 't.name', 't.type_word as typeWord', 't.path', 't.depth'])
      .where('r.effective_date', '=', sql<string>`${effectiveDate}::date`)
      .where('l.from_unit_id', '=', anyOf(fromIds, 'uuid'))
      .orderBy('t.code'),
  );
}

/** The residential groups in force directly under a unit, by code. */
export async function currentResidentialGroupsOf(on: Executor, parentId: string): Promise<{ id: string; name: string }[]> {
  return all(
    on,
    db
      .selectFrom('admin_unit')
      .select(['id', 'name'])
      .where('parent_id', '=', parentId)
      .where('valid_to', 'is', null)
      .where('kind', '=', 'residential_group')
      .orderBy('code'),
  );
}

/**
 * The synthetic residential groups with the version the reorganisation links them to (old_id → new_id), for a caller
 * to compose into its own query (a subquery: one statement, one snapshot).
 */
export function demoResidentialSuccessions() {
  return db
    .selectFrom('admin_unit as o')
    .innerJoin('reorganisation_link as l', 'l.from_unit_id', 'o.id')
    .innerJoin('admin_unit as n', 'n.id', 'l.to_unit_id')
    .select(['o.id as old_id', 'n.id as new_id', 'o.parent_id as commune_id', 'o.name', 'o.code'])
    .where('o.kind', '=', 'residential_group')
    .where((eb) => eb.ref('o.synthetic'));
}

type Row<T, K extends keyof T> = Required<Pick<T, K>>;
export type DemoUnitRow = Row<
  Insertable<GeographyTables['admin_unit']>,
  'id' | 'code' | 'name' | 'type_word' | 'kind' | 'parent_id' | 'path' | 'depth' | 'valid_from' | 'valid_to' | 'synthetic'
>;
export type DemoReorganisationLinkRow = Row<
  Insertable<GeographyTables['reorganisation_link']>,
  'reorganisation_id' | 'from_unit_id' | 'to_unit_id' | 'share' | 'fraction' | 'fraction_estimated'
>;

const UNIT_TYPES: PgTypes<DemoUnitRow> = {
  id: 'uuid',
  code: 'text',
  name: 'text',
  type_word: 'text',
  kind: 'text',
  parent_id: 'uuid',
  path: 'text',
  depth: 'int',
  valid_from: 'date',
  valid_to: 'date',
  synthetic: 'boolean',
};

/** Units, parents before children (in order), in statements of up to 5,000 rows. */
export async function insertDemoUnits(on: Executor, rows: DemoUnitRow[]): Promise<void> {
  for (const chunk of chunked(rows, UNNEST_CHUNK)) {
    await all(
      on,
      db
        .insertInto('admin_unit')
        .columns(columnsOf(UNIT_TYPES))
        .expression(db.selectFrom(unnestRows(chunk, UNIT_TYPES)).selectAll('t')),
    );
  }
}

export async function insertDemoReorganisation(on: Executor, row: { id: string; effective_date: string; kind: string; decision: string }): Promise<void> {
  await all(on, db.insertInto('reorganisation').values(row));
}

export async function insertDemoReorganisationLinks(on: Executor, rows: DemoReorganisationLinkRow[]): Promise<void> {
  for (const chunk of chunked(rows, VALUES_CHUNK)) await all(on, db.insertInto('reorganisation_link').values(chunk));
}

// ---------------------------------------------------------------------------------------------------------------
// Bulk rows

/** Multi-row VALUES: one parameter per value, so a statement stays well under PostgreSQL's 65,535 parameters. */
const VALUES_CHUNK = 1_000;

/** Rows a statement: unnest sends one array parameter per column. */
const UNNEST_CHUNK = 5_000;
