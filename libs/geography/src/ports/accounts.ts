import { sql } from 'kysely';
import { db } from '../db';

/*
 * What accounts reads of the administrative tree, as subqueries it composes into its own statements (one statement,
 * one snapshot, as when it joined the tables itself).
 */

/** Every unit's path (id, path), to join a grant's unit to: what its access is checked on. */
export function unitPaths() {
  return db.selectFrom('admin_unit as a').select(['a.id', 'a.path']);
}

/** Every reorganisation link: the old unit (`from_unit_id`) and where its territory went (`to_unit_id`, null for abolished). */
export function reorganisationLinks() {
  return db.selectFrom('reorganisation_link as l').select(['l.from_unit_id', 'l.to_unit_id']);
}

/** Links to a successor of reorganisations in force on `asOf` ('YYYY-MM-DD'): the units a unit grant follows. */
export function successorLinksInForce(asOf: string) {
  return db
    .selectFrom('reorganisation_link as l')
    .innerJoin('reorganisation as r', (join) => join.onRef('r.id', '=', 'l.reorganisation_id').on('r.effective_date', '<=', sql<string>`${asOf}::date`))
    .select(['l.from_unit_id', 'l.to_unit_id'])
    .where('l.to_unit_id', 'is not', null)
    .$narrowType<{ to_unit_id: string }>();
}
