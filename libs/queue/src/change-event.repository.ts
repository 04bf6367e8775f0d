import { sql } from 'kysely';
import { affected, all, Executor, first } from '@cdtg/database';
import { db } from './db';

/** Every SQL statement about change events written here (the projector in rollups reads them). */

export async function insertChangeEvent(on: Executor, keys: { households: string[]; members: string[]; sessions: string[] }): Promise<string> {
  const [row] = await all(
    on,
    db
      .insertInto('change_event')
      .values({
        households: sql<string[]>`${keys.households}::uuid[]`,
        members: sql<string[]>`${keys.members}::uuid[]`,
        sessions: sql<string[]>`${keys.sessions}::uuid[]`,
      })
      .returning('id'),
  );
  return row.id;
}

/** The last event whose every predecessor is processed (what freshness names), as text; null when there is none. */
export async function freshnessAnchor(on: Executor): Promise<string | null> {
  const firstUnprocessed = db
    .selectFrom('change_event')
    .select((eb) => eb.fn.min('id').as('id'))
    .where('processed_at', 'is', null);
  const anchor = db
    .selectFrom('change_event')
    .select('id')
    .where('id', '<', sql<string>`COALESCE((${firstUnprocessed}), 9223372036854775807)`)
    .orderBy('id', 'desc')
    .limit(1);
  const row = await first(on, db.selectNoFrom(sql<string | null>`(${anchor})::text`.as('anchor')));
  return row!.anchor;
}

/** Up to `batch` events processed before `before` and older than `belowId`, oldest processed first; returns how many were deleted. */
export function deleteProcessed(on: Executor, before: Date, belowId: string, batch: number): Promise<number> {
  const oldest = db
    .selectFrom('change_event')
    .select('id')
    .where('processed_at', 'is not', null)
    .where('processed_at', '<', before)
    .where('id', '<', belowId)
    .orderBy('processed_at')
    .limit(batch);
  return affected(on, db.deleteFrom('change_event').where('id', 'in', oldest));
}
