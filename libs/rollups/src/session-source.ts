import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { EntityManager } from 'typeorm';
import { all, anyOf } from '@cdtg/database';
import { sessionAssignmentsForRollups, trainingSessionsForRollups } from '@cdtg/sessions';
import { db } from './db';
import { ActivityState, SessionFact, sessionFactOf } from './facts';
import { SESSION_RECORDS } from './measures';

/** A session counts once it is held with its attendance logged. */
const held = db.selectFrom(trainingSessionsForRollups().as('s')).where('s.status', '=', 'held').where('s.attendance_logged_at', 'is not', null);

/**
 * What the rollups read of training sessions (through the sessions lib's port): a session counts once it is held with
 * its attendance logged, on the day it started (Asia/Ho_Chi_Minh); the members who accepted their assignment to it
 * were active that day.
 */
@Injectable()
export class SessionSource {
  async heldSessions(manager: EntityManager, ids: string[]): Promise<SessionFact[]> {
    const rows = await all(
      manager,
      held
        .select((eb) => [
          's.id as session_id',
          's.unit_id',
          sql<string>`(${eb.ref('s.starts_at')} AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text`.as('day'),
          // The registry's SQL for each recorded measure, over the session's columns.
          ...SESSION_RECORDS.map((r) => sql<number>`${sql.raw(r.record)}`.as(r.column)),
        ])
        .where('s.id', '=', anyOf(ids, 'uuid')),
    );
    return rows.map(sessionFactOf);
  }

  async activitiesOfMembers(manager: EntityManager, ids: string[]): Promise<ActivityState[]> {
    const rows = await all(
      manager,
      held
        .innerJoin(sessionAssignmentsForRollups().as('a'), 'a.session_id', 's.id')
        .select((eb) => [
          'a.member_id',
          's.id as source_id',
          's.unit_id',
          sql<string>`(${eb.ref('s.starts_at')} AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text`.as('day'),
          's.starts_at as at',
        ])
        .where('a.member_id', '=', anyOf(ids, 'uuid'))
        .where('a.status', '=', 'accepted'),
    );
    return rows.map((r) => ({ memberId: r.member_id, sourceId: r.source_id, unitId: r.unit_id, day: r.day, at: new Date(r.at).getTime() }));
  }
}
