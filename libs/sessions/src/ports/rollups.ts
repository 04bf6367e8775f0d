import { db } from '../db';

// Subqueries the rollups compose into their statements: plain column lists (no aggregate, DISTINCT or LIMIT), which
// PostgreSQL flattens into the statement, so plans are those of the tables themselves.

/** Training sessions as the rollups count them: where and when, whether held with attendance logged, and what was recorded. */
export function trainingSessionsForRollups() {
  return db
    .selectFrom('training_session')
    .select([
      'id',
      'unit_id',
      'starts_at',
      'status',
      'attendance_logged_at',
      'participants_total',
      'female_under_35',
      'female_35_59',
      'female_60_plus',
      'male_under_35',
      'male_35_59',
      'male_60_plus',
      'practical_completions',
    ]);
}

/** Assignments of members to sessions, with their answer. */
export function sessionAssignmentsForRollups() {
  return db.selectFrom('session_assignment').select(['session_id', 'member_id', 'status']);
}
