import { sql } from 'kysely';
import { db } from '../db';

// Subqueries the rollups compose into their statements: plain column lists (no aggregate, DISTINCT or LIMIT), which
// PostgreSQL flattens into the statement, so plans are those of the tables themselves.

/** Units as the rollups read them: where a unit is in the tree, its kind, code and the days it is in force. */
export function adminUnitsForRollups() {
  return db.selectFrom('admin_unit').select(['id', 'code', 'parent_id', 'path', 'kind', 'valid_from', 'valid_to']);
}

/** Reorganisation links: the share of a unit that went into another. */
export function reorganisationLinksForRollups() {
  return db.selectFrom('reorganisation_link').select(['from_unit_id', 'to_unit_id', 'fraction']);
}

/** The version of the administrative tree as text (one row; bumped by triggers on every change of units, links or household counts). */
export function geographyVersionForRollups() {
  return db
    .selectFrom('geography_version')
    .select(sql<string>`version::text`.as('version'))
    .where('id', '=', 1);
}
