import { Insertable, sql } from 'kysely';
import { all, Executor, first } from '@cdtg/database';
import { db, SessionsTables } from '../db';

/*
 * Ports for @cdtg/demo, which writes synthetic sessions straight into the tables (in its caller's transaction): no
 * e-mail, no reminder job, no change event (sessions planned through SessionService get those).
 */

/** True when any training session exists: the demo sessions are written only into a database without sessions. */
export async function hasTrainingSessions(on: Executor): Promise<boolean> {
  return (
    (await first(
      on,
      db
        .selectFrom('training_session')
        .select(sql<number>`1`.as('one'))
        .limit(1),
    )) !== undefined
  );
}

export type DemoSessionRow = Insertable<SessionsTables['training_session']>;
export type DemoScheduleRow = Insertable<SessionsTables['training_session_schedule']>;
export type DemoAssignmentRow = Insertable<SessionsTables['session_assignment']>;

/** Sessions, then their schedules, then their assignments, in multi-row statements of up to 1,000 rows. */
export async function insertDemoSessions(
  on: Executor,
  rows: { sessions: DemoSessionRow[]; schedules: DemoScheduleRow[]; assignments: DemoAssignmentRow[] },
): Promise<void> {
  for (const chunk of chunks(rows.sessions)) await all(on, db.insertInto('training_session').values(chunk));
  for (const chunk of chunks(rows.schedules)) await all(on, db.insertInto('training_session_schedule').values(chunk));
  for (const chunk of chunks(rows.assignments)) await all(on, db.insertInto('session_assignment').values(chunk));
}

/** One parameter per value: 1,000 rows keep a statement well under PostgreSQL's 65,535 parameters. */
function chunks<T>(rows: T[], size = 1_000): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += size) out.push(rows.slice(start, start + size));
  return out;
}
