import { sql } from 'kysely';
import { affected, all, anyOf, Executor, first } from '@cdtg/database';
import { db } from '../db';

/** What the rollups read of a change event: the keys it names, and when it was written and applied. */
export interface ChangeEventForRollups {
  id: string;
  households: string[];
  members: string[];
  sessions: string[];
  processed_at: Date | null;
}

const EVENT = ['id', 'households', 'members', 'sessions', 'processed_at'] as const;

/** The change feed as a subquery to compose (the rollups' freshness and a check's pending keys): a plain column list, which PostgreSQL flattens. */
export function changeEventsForRollups() {
  return db.selectFrom('change_event').select(['id', 'households', 'members', 'sessions', 'created_at', 'processed_at']);
}

/** The event a projection job applies, locked (FOR UPDATE) to the end of the caller's transaction; undefined when it is gone. */
export function lockChangeEventForRollups(on: Executor, id: string): Promise<ChangeEventForRollups | undefined> {
  return first(on, db.selectFrom('change_event').select(EVENT).where('id', '=', id).forUpdate());
}

/** Other events not applied yet, in id order, that no other projector holds (locked, SKIP LOCKED). */
export function lockPendingChangeEventsForRollups(on: Executor, exceptId: string, limit: number): Promise<ChangeEventForRollups[]> {
  return all(
    on,
    db
      .selectFrom('change_event')
      .select(EVENT)
      .where('processed_at', 'is', null)
      .where('id', '<>', exceptId)
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked(),
  );
}

/**
 * Marks events applied. clock_timestamp(), not now() (the transaction's start): events committed while the projection
 * waited for a lock are in its batch too, and their freshness lag (processed_at − created_at) must not come out negative.
 */
export async function markChangeEventsApplied(on: Executor, ids: string[]): Promise<void> {
  await affected(
    on,
    db
      .updateTable('change_event')
      .set({ processed_at: sql<Date>`clock_timestamp()` })
      .where('id', '=', anyOf(ids, 'bigint')),
  );
}
