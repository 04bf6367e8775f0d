import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ActivityState, SessionFact, sessionFactOf } from './facts';
import { SESSION_RECORDS_SQL } from './measures';

/**
 * What the rollups read of training sessions: a session counts once it is held with its attendance logged, on the
 * day it started (Asia/Ho_Chi_Minh); the members who accepted their assignment to it were active that day.
 */
@Injectable()
export class SessionSource {
  async heldSessions(manager: EntityManager, ids: string[]): Promise<SessionFact[]> {
    const rows = (await manager.query(
      `SELECT id AS session_id, unit_id, (starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS day, ${SESSION_RECORDS_SQL}
         FROM training_session WHERE id = ANY($1::uuid[]) AND status = 'held' AND attendance_logged_at IS NOT NULL`,
      [ids],
    )) as Record<string, unknown>[];
    return rows.map(sessionFactOf);
  }

  async activitiesOfMembers(manager: EntityManager, ids: string[]): Promise<ActivityState[]> {
    const rows = (await manager.query(
      `SELECT a.member_id, s.id AS source_id, s.unit_id, (s.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS day, s.starts_at AS at
         FROM session_assignment a JOIN training_session s ON s.id = a.session_id
        WHERE a.member_id = ANY($1::uuid[]) AND a.status = 'accepted' AND s.status = 'held' AND s.attendance_logged_at IS NOT NULL`,
      [ids],
    )) as { member_id: string; source_id: string; unit_id: string; day: string; at: Date }[];
    return rows.map((r) => ({ memberId: r.member_id, sourceId: r.source_id, unitId: r.unit_id, day: r.day, at: new Date(r.at).getTime() }));
  }
}
