import { Insertable, sql } from 'kysely';
import { all, Executor, first } from '@cdtg/database';
import { AssistsTables, db } from '../db';

/*
 * Ports for @cdtg/demo, which writes synthetic household counts, households and entries straight into the tables (in
 * its caller's transaction, without change events: it rebuilds the rollups afterwards).
 */

/** True when any assistance entry exists: the demo activity is written only into a database without entries. */
export async function hasAssistEntries(on: Executor): Promise<boolean> {
  return (
    (await first(
      on,
      db
        .selectFrom('assist_entry')
        .select(sql<number>`1`.as('one'))
        .limit(1),
    )) !== undefined
  );
}

export type DemoHouseholdCountRow = Insertable<AssistsTables['household_count']>;
export type DemoHouseholdRow = Insertable<AssistsTables['household']>;
export type DemoHouseholdKeyRow = Insertable<AssistsTables['household_key']>;
export type DemoAssistEntryRow = Insertable<AssistsTables['assist_entry']>;

/** Household counts, households, their keys, then entries, in multi-row statements of up to 1,000 rows. */
export async function insertDemoActivity(
  on: Executor,
  rows: { counts: DemoHouseholdCountRow[]; households: DemoHouseholdRow[]; keys: DemoHouseholdKeyRow[]; entries: DemoAssistEntryRow[] },
): Promise<void> {
  for (const chunk of chunks(rows.counts)) await all(on, db.insertInto('household_count').values(chunk));
  for (const chunk of chunks(rows.households)) await all(on, db.insertInto('household').values(chunk));
  for (const chunk of chunks(rows.keys)) await all(on, db.insertInto('household_key').values(chunk));
  for (const chunk of chunks(rows.entries)) await all(on, db.insertInto('assist_entry').values(chunk));
}

/** One parameter per value: 1,000 rows keep a statement well under PostgreSQL's 65,535 parameters. */
function chunks<T>(rows: T[], size = 1_000): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += size) out.push(rows.slice(start, start + size));
  return out;
}
