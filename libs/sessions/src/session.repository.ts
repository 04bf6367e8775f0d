import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DataScope, restrictToScope } from '@cdtg/access';
import { hydrate, keysetPage, Page, PageRequest, SqlBuilder } from '@cdtg/database';
import { filterByUnit, UnitScope } from '@cdtg/geography';
import { activeMemberSql, currentMembershipSql } from '@cdtg/directory';
import { escapeLike } from '@cdtg/text';
import { Clock } from '@cdtg/time';
import { SessionAssignment } from './session-assignment.entity';
import { SessionSchedule } from './session-schedule.entity';
import { ACTIVE_ASSIGNMENT_STATUSES, SessionStatus } from './sessions.enums';
import { TrainingSession } from './training-session.entity';
import { TrainingTopic } from './training-topic.entity';

export interface SessionQuery {
  /** What the actor may see (always applied). */
  access: DataScope;
  /** A unit filter chosen by the user (the subtree as of a date, old units included). */
  scope?: UnitScope;
  groupId?: string;
  /** Sessions starting at or after `from` and before `to`. */
  from?: Date;
  to?: Date;
  topic?: string;
  status?: SessionStatus;
  /** Folded title text. */
  search?: string;
  /** Planned sessions that have ended: their attendance is due. */
  attendanceDue?: boolean;
  sort: 'soonest' | 'latest';
}

/** Someone about to be double-booked: the member and the other session. */
export interface OverlapRow {
  memberId: string;
  fullName: string;
  sessionId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
}

/** Who an assignment's e-mails go to, in which language. */
export interface Recipient {
  assignmentId: string;
  memberId: string;
  fullName: string;
  role: string;
  /** The member's e-mail, else their account's; null when neither exists (no e-mail is sent). */
  email: string | null;
  /** The member's account language, Vietnamese without an account. */
  language: 'vi' | 'en';
}

export interface CandidateRow {
  memberId: string;
  fullName: string;
  skills: string[];
  groupId: string;
  unitId: string;
  recent: number;
}

const ACTIVE = `('pending', 'accepted')`;
const recipientColumns = `a.id AS "assignmentId", a.member_id AS "memberId", a.role, m.full_name AS "fullName",
  COALESCE(m.email, u.email) AS email, COALESCE(u.language, 'vi') AS language`;
const recipientJoins = `JOIN member m ON m.id = a.member_id LEFT JOIN user_account u ON u.member_id = m.id`;

/** Every SQL statement about sessions and assignments. */
@Injectable()
export class SessionRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async listSessions(query: SessionQuery, page: PageRequest): Promise<Page<TrainingSession>> {
    const sql = new SqlBuilder();
    restrictToScope(sql, query.access, { unit: 's.unit_id', group: 's.group_id' });
    filterByUnit(sql, query.scope, 's.unit_id');
    if (query.groupId) sql.where.push(`s.group_id = ${sql.param(query.groupId)}::uuid`);
    if (query.from) sql.where.push(`s.starts_at >= ${sql.param(query.from)}`);
    if (query.to) sql.where.push(`s.starts_at < ${sql.param(query.to)}`);
    if (query.topic) sql.where.push(`${sql.param(query.topic)} = ANY(s.topics)`);
    if (query.status) sql.where.push(`s.status = ${sql.param(query.status)}`);
    if (query.search) sql.where.push(`s.title_search LIKE ${sql.param(`%${escapeLike(query.search)}%`)}`);
    if (query.attendanceDue !== undefined)
      sql.where.push(`${query.attendanceDue ? '' : 'NOT '}(s.status = 'planned' AND s.ends_at < ${sql.param(this.clock.now())}::timestamptz)`);
    const key = `to_char(s.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    return keysetPage(this.dataSource, sql, { select: 's.*', from: 'training_session s', key, id: 's.id', descending: query.sort === 'latest' }, page, (r) =>
      hydrate(this.dataSource, TrainingSession, r),
    );
  }

  sessionsByIds(ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<TrainingSession[]> {
    return manager.getRepository(TrainingSession).createQueryBuilder('s').where('s.id = ANY(:ids)', { ids }).getMany();
  }

  lockedSession(manager: EntityManager, id: string): Promise<TrainingSession | null> {
    return manager.getRepository(TrainingSession).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  assignmentsByIds(ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<SessionAssignment[]> {
    return manager.getRepository(SessionAssignment).createQueryBuilder('a').where('a.id = ANY(:ids)', { ids }).getMany();
  }

  /** Every assignment of several sessions (any status): trainers first, then by when they were made. */
  assignmentsOfSessions(sessionIds: readonly string[]): Promise<SessionAssignment[]> {
    return this.dataSource
      .getRepository(SessionAssignment)
      .createQueryBuilder('a')
      .where('a.session_id = ANY(:sessionIds)', { sessionIds })
      .orderBy(`CASE a.role WHEN 'trainer' THEN 0 WHEN 'assistant' THEN 1 ELSE 2 END`)
      .addOrderBy('a.assigned_at')
      .getMany();
  }

  /** Ids of the pending and accepted assignments of a session. */
  async activeAssignmentIds(manager: EntityManager, sessionId: string): Promise<string[]> {
    const rows = (await manager.query(`SELECT id FROM session_assignment WHERE session_id = $1 AND status IN ${ACTIVE} ORDER BY assigned_at`, [sessionId])) as {
      id: string;
    }[];
    return rows.map((r) => r.id);
  }

  schedulesOfSessions(sessionIds: readonly string[]): Promise<SessionSchedule[]> {
    return this.dataSource
      .getRepository(SessionSchedule)
      .createQueryBuilder('h')
      .where('h.session_id = ANY(:sessionIds)', { sessionIds })
      .orderBy('h.version', 'DESC')
      .getMany();
  }

  topics(): Promise<TrainingTopic[]> {
    return this.dataSource.getRepository(TrainingTopic).find({ where: { active: true }, order: { sortOrder: 'ASC' } });
  }

  /**
   * A member's assignments (pending and accepted unless `statuses` says otherwise) on sessions starting in
   * [from, to), soonest first; with `access`, only sessions inside it.
   */
  async memberAssignments(q: { memberId: string; from: Date; to: Date; access?: DataScope; statuses?: readonly string[] }): Promise<SessionAssignment[]> {
    const sql = new SqlBuilder();
    if (q.access) restrictToScope(sql, q.access, { unit: 's.unit_id', group: 's.group_id' });
    sql.where.push(`a.member_id = ${sql.param(q.memberId)}::uuid`, `a.status = ANY(${sql.param(q.statuses ?? ACTIVE_ASSIGNMENT_STATUSES)}::text[])`);
    sql.where.push(`s.starts_at >= ${sql.param(q.from)}`, `s.starts_at < ${sql.param(q.to)}`);
    const rows = (await this.dataSource.query(
      `${sql.with}SELECT a.* FROM session_assignment a JOIN training_session s ON s.id = a.session_id WHERE ${sql.where.join(' AND ')} ORDER BY s.starts_at, a.id LIMIT 500`,
      sql.params,
    )) as Record<string, unknown>[];
    return rows.map((r) => hydrate(this.dataSource, SessionAssignment, r));
  }

  /** Pending or accepted assignments of `memberIds` on other sessions (not cancelled) overlapping [startsAt, endsAt). */
  overlapping(manager: EntityManager, memberIds: string[], startsAt: Date, endsAt: Date, exceptSessionId: string | null): Promise<OverlapRow[]> {
    return manager.query(
      `SELECT a.member_id AS "memberId", m.full_name AS "fullName", s.id AS "sessionId", s.title, s.starts_at AS "startsAt", s.ends_at AS "endsAt"
         FROM session_assignment a JOIN training_session s ON s.id = a.session_id JOIN member m ON m.id = a.member_id
        WHERE a.member_id = ANY($1::uuid[]) AND a.status IN ${ACTIVE} AND s.status <> 'cancelled'
          AND s.id IS DISTINCT FROM $4::uuid AND s.starts_at < $3 AND s.ends_at > $2
        ORDER BY s.starts_at LIMIT 20`,
      [memberIds, startsAt, endsAt, exceptSessionId],
    ) as Promise<OverlapRow[]>;
  }

  /** Locks members (in id order, so two writers never wait on each other in a circle) while their time is checked. */
  async lockMembers(manager: EntityManager, memberIds: string[]): Promise<{ id: string; leftOn: string | null }[]> {
    if (!memberIds.length) return [];
    return manager.query(`SELECT id, to_char(left_on, 'YYYY-MM-DD') AS "leftOn" FROM member WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [
      memberIds,
    ]) as Promise<{ id: string; leftOn: string | null }[]>;
  }

  /** Pending and accepted trainers of a session. */
  async trainerCount(manager: EntityManager, sessionId: string): Promise<number> {
    const [row] = (await manager.query(`SELECT count(*)::int AS n FROM session_assignment WHERE session_id = $1 AND role = 'trainer' AND status IN ${ACTIVE}`, [
      sessionId,
    ])) as { n: number }[];
    return row.n;
  }

  /** The member's current group (membership begun and open) and its status (no row: the member has no current group). */
  async currentGroupOf(manager: EntityManager, memberId: string): Promise<{ groupId: string; status: string } | null> {
    const [row] = (await manager.query(
      `SELECT g.id AS "groupId", g.status FROM membership ms JOIN volunteer_group g ON g.id = ms.group_id WHERE ms.member_id = $1 AND ${currentMembershipSql('ms', '$2::date')}`,
      [memberId, this.clock.today()],
    )) as { groupId: string; status: string }[];
    return row ?? null;
  }

  recipients(manager: EntityManager, assignmentIds: string[]): Promise<Recipient[]> {
    if (!assignmentIds.length) return Promise.resolve([]);
    return manager.query(`SELECT ${recipientColumns} FROM session_assignment a ${recipientJoins} WHERE a.id = ANY($1::uuid[]) ORDER BY a.assigned_at`, [
      assignmentIds,
    ]) as Promise<Recipient[]>;
  }

  /** The names shown in notices and calendars: groups and units by id. */
  async namesOf(manager: EntityManager, groupIds: string[], unitIds: string[]): Promise<{ groups: Map<string, string>; units: Map<string, string> }> {
    const groups = (await manager.query(`SELECT id, name FROM volunteer_group WHERE id = ANY($1::uuid[])`, [[...new Set(groupIds)]])) as {
      id: string;
      name: string;
    }[];
    const units = (await manager.query(`SELECT id, name FROM admin_unit WHERE id = ANY($1::uuid[])`, [[...new Set(unitIds)]])) as {
      id: string;
      name: string;
    }[];
    return { groups: new Map(groups.map((g) => [g.id, g.name])), units: new Map(units.map((u) => [u.id, u.name])) };
  }

  /** The member linked to an account (volunteers and leads), if any. */
  async memberOfUser(userId: string): Promise<string | null> {
    const [row] = (await this.dataSource.query(`SELECT member_id FROM user_account WHERE id = $1`, [userId])) as { member_id: string | null }[];
    return row?.member_id ?? null;
  }

  /** A member's name, the e-mail and language notices use, and whether they take the weekly agenda. */
  /**
   * A member's name, address and language for notices, and whether their signed calendar feed still answers: the
   * member is active and in a group today (the rule of directory-current.ts), and the account bound to them (if any)
   * is not disabled.
   */
  async memberContact(
    memberId: string,
  ): Promise<{ id: string; fullName: string; email: string | null; language: 'vi' | 'en'; weeklyAgenda: boolean; feedActive: boolean } | null> {
    const [row] = (await this.dataSource.query(
      `SELECT m.id, m.full_name AS "fullName", COALESCE(m.email, u.email) AS email, COALESCE(u.language, 'vi') AS language, COALESCE(p.weekly_agenda, true) AS "weeklyAgenda",
              (${activeMemberSql('m', '$2::date')} AND EXISTS (SELECT 1 FROM membership ms WHERE ms.member_id = m.id AND ${currentMembershipSql('ms', '$2::date')})
                AND COALESCE(u.status, 'active') <> 'disabled') AS "feedActive"
         FROM member m LEFT JOIN user_account u ON u.member_id = m.id LEFT JOIN member_notice_preference p ON p.member_id = m.id WHERE m.id = $1`,
      [memberId, this.clock.today()],
    )) as { id: string; fullName: string; email: string | null; language: 'vi' | 'en'; weeklyAgenda: boolean; feedActive: boolean }[];
    return row ?? null;
  }

  async setWeeklyAgenda(memberId: string, subscribed: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO member_notice_preference (member_id, weekly_agenda) VALUES ($1, $2)
       ON CONFLICT (member_id) DO UPDATE SET weekly_agenda = EXCLUDED.weekly_agenda, updated_at = now()`,
      [memberId, subscribed],
    );
  }

  /**
   * The commune-level unit (commune or special zone) that contains `unitId` or is it, with the unit's own kind and
   * validity (to check where a session may be held).
   */
  async placeOfUnit(unitId: string): Promise<{ kind: string; validFrom: string | null; validTo: string | null; communePath: string | null } | null> {
    const [row] = (await this.dataSource.query(
      `SELECT u.kind, to_char(u.valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(u.valid_to, 'YYYY-MM-DD') AS "validTo",
              (SELECT a.path FROM admin_unit a WHERE a.id = ANY(string_to_array(trim(both '/' from u.path), '/')::uuid[])
                  AND a.kind IN ('commune', 'special_zone') ORDER BY a.depth DESC LIMIT 1) AS "communePath"
         FROM admin_unit u WHERE u.id = $1`,
      [unitId],
    )) as { kind: string; validFrom: string | null; validTo: string | null; communePath: string | null }[];
    return row ?? null;
  }

  /** Whether `unitId` lies in an area (a subtree as of a date, with the older units that went into it). */
  async unitInArea(unitId: string, area: UnitScope): Promise<boolean> {
    const sql = new SqlBuilder();
    filterByUnit(sql, area, 'x.id');
    sql.where.push(`x.id = ${sql.param(unitId)}::uuid`);
    const rows = (await this.dataSource.query(`${sql.with}SELECT 1 FROM admin_unit x WHERE ${sql.where.join(' AND ')}`, sql.params)) as unknown[];
    return rows.length > 0;
  }

  /**
   * Active members of active groups inside `access` and `area` who are free for the session: not on it already and
   * not on another session at an overlapping time. With how many assignments each had in the last 30 days.
   */
  async suggestionCandidates(access: DataScope, area: UnitScope, session: TrainingSession, limit = 2000): Promise<CandidateRow[]> {
    const sql = new SqlBuilder();
    restrictToScope(sql, access, { unit: 'g.unit_id', group: 'g.id' });
    filterByUnit(sql, area, 'g.unit_id');
    const sessionId = sql.param(session.id);
    const today = sql.param(this.clock.today());
    sql.where.push(
      // Active today: joined and not left, in a membership that has begun (libs/directory directory-current.ts).
      `${activeMemberSql('m', `${today}::date`)} AND ms.from_date <= ${today}::date`,
      `g.status = 'active'`,
      `NOT EXISTS (SELECT 1 FROM session_assignment x WHERE x.session_id = ${sessionId}::uuid AND x.member_id = m.id AND x.status IN ${ACTIVE})`,
      `NOT EXISTS (SELECT 1 FROM session_assignment x JOIN training_session o ON o.id = x.session_id
                    WHERE x.member_id = m.id AND x.status IN ${ACTIVE} AND o.status <> 'cancelled' AND o.id <> ${sessionId}::uuid
                      AND o.starts_at < ${sql.param(session.endsAt)} AND o.ends_at > ${sql.param(session.startsAt)})`,
    );
    return this.dataSource.query(
      `${sql.with}SELECT m.id AS "memberId", m.full_name AS "fullName", m.skills, g.id AS "groupId", g.unit_id AS "unitId",
              (SELECT count(*)::int FROM session_assignment r WHERE r.member_id = m.id AND r.status IN ${ACTIVE} AND r.assigned_at >= ${sql.param(this.clock.now())}::timestamptz - interval '30 days') AS recent
         FROM member m JOIN membership ms ON ms.member_id = m.id AND ms.to_date IS NULL JOIN volunteer_group g ON g.id = ms.group_id
        WHERE ${sql.where.join(' AND ')}
        ORDER BY m.id LIMIT ${sql.param(limit)}`,
      sql.params,
    ) as Promise<CandidateRow[]>;
  }

  /** Members (after `afterMemberId`, by id) with pending or accepted assignments on planned sessions in [from, to) who take the weekly agenda and have an e-mail. */
  async agendaMembers(from: Date, to: Date, afterMemberId: string | null, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT a.member_id FROM session_assignment a
         JOIN training_session s ON s.id = a.session_id
         JOIN member m ON m.id = a.member_id
         LEFT JOIN user_account u ON u.member_id = m.id
         LEFT JOIN member_notice_preference p ON p.member_id = m.id
        WHERE a.status IN ${ACTIVE} AND s.status = 'planned' AND s.starts_at >= $1 AND s.starts_at < $2
          AND m.left_on IS NULL AND COALESCE(p.weekly_agenda, true) AND COALESCE(m.email, u.email) IS NOT NULL
          AND ($3::uuid IS NULL OR a.member_id > $3::uuid)
        ORDER BY a.member_id LIMIT $4`,
      [from, to, afterMemberId, limit],
    )) as { member_id: string }[];
    return rows.map((r) => r.member_id);
  }
}
