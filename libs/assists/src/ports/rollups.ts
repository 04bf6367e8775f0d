import { all, anyOf, Executor } from '@cdtg/database';
import { db } from '../db';

/**
 * Assistance entries as the rollups count them, a subquery to compose: a plain column list (no aggregate, DISTINCT or
 * LIMIT), which PostgreSQL flattens into the statement, so plans are those of assist_entry itself.
 */
export function assistEntriesForRollups() {
  return db
    .selectFrom('assist_entry')
    .select(['id', 'household_id', 'unit_id', 'occurred_on', 'occurred_at', 'status', 'verified_at', 'services', 'volunteer_ids']);
}

/** Household counts of units (what shares a reorganised unit among its successors). */
export function householdCountsForRollups() {
  return db.selectFrom('household_count').select(['unit_id', 'as_of', 'households']);
}

/**
 * Locks households (in id order) so that one projector at a time recounts each. FOR NO KEY UPDATE, not FOR UPDATE:
 * projections of one household still run one at a time, but a transaction inserting entries (whose foreign key takes
 * FOR KEY SHARE on the household, in batch order) is not blocked, so the two never deadlock.
 */
export async function lockHouseholdsForRollups(on: Executor, ids: string[]): Promise<void> {
  await all(on, db.selectFrom('household').select('id').where('id', '=', anyOf(ids, 'uuid')).orderBy('id').forNoKeyUpdate());
}
