import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { sql, SqlBool } from 'kysely';
import { DataScope, scopeFilter } from '@cdtg/access';
import { memberAccountsForSessions, memberOfAccountForSessions } from '@cdtg/accounts';
import { affected, all, anyOf, first, hydrate, keysetPageOf, Page, PageRequest } from '@cdtg/database';
import {
  availableMembersForSessions,
  currentGroupForSessions,
  groupNamesForSessions,
  lockMembersForSessions,
  membersForSessions,
  memberStandingForSessions,
} from '@cdtg/directory';
import { placeOfUnitForSessions, unitFilter, unitInAreaForSessions, unitNamesForSessions, UnitScope } from '@cdtg/geography';
import { escapeLike } from '@cdtg/text';
import type { NoticeChannel } from '@cdtg/notifications';
import { Clock } from '@cdtg/time';
import { db } from './db';
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
  /** The assignment's status ('pending' until the member answers): the calendar event is tentative until accepted. */
  status: string;
  /** The member's e-mail, else their account's; null when neither exists (no e-mail is sent). */
  email: string | null;
  /** The member's account language, Vietnamese without an account. */
  language: 'vi' | 'en';
  /** E.164 (+84…): for ZNS and SMS. */
  phone: string | null;
  /** The member's preferred channel (member_notice_preference), or null. */
  preferredChannel: NoticeChannel | null;
}

export interface CandidateRow {
  memberId: string;
  fullName: string;
  skills: string[];
  groupId: string;
  unitId: string;
  recent: number;
}

/** Pending and accepted, written into the statement as the original SQL did. */
const ACTIVE = [sql.lit('pending'), sql.lit('accepted')];
/** `= ANY(ids)` over uuids: one parameter however many ids (an empty list matches nothing). */

/** Every SQL statement about sessions and assignments. Other libs' rows come through their ports (ports/sessions.ts). */
@Injectable()
export class SessionRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async listSessions(query: SessionQuery, page: PageRequest): Promise<Page<TrainingSession>> {
    let list = db.selectFrom('training_session as s').selectAll('s');
    const inScope = scopeFilter(query.access, { unit: 's.unit_id', group: 's.group_id' });
    if (inScope) list = list.where(inScope);
    const inUnit = unitFilter(query.scope, 's.unit_id');
    if (inUnit) list = list.where(inUnit);
    if (query.groupId) list = list.where('s.group_id', '=', sql<string>`${query.groupId}::uuid`);
    if (query.from) list = list.where('s.starts_at', '>=', query.from);
    if (query.to) list = list.where('s.starts_at', '<', query.to);
    if (query.topic) list = list.where(sql<SqlBool>`${query.topic} = ANY(${sql.ref('s.topics')})`);
    if (query.status) list = list.where('s.status', '=', query.status);
    if (query.search) list = list.where('s.title_search', 'like', `%${escapeLike(query.search)}%`);
    if (query.attendanceDue !== undefined) {
      const due = sql<SqlBool>`(${sql.ref('s.status')} = 'planned' AND ${sql.ref('s.ends_at')} < ${this.clock.now()}::timestamptz)`;
      list = list.where(query.attendanceDue ? due : sql<SqlBool>`NOT ${due}`);
    }
    const key = sql<string>`to_char(${sql.ref('s.starts_at')} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    return keysetPageOf(this.dataSource, list, { key, id: 's.id', descending: query.sort === 'latest' }, page, (r) =>
      hydrate(this.dataSource, TrainingSession, r),
    );
  }

  async sessionsByIds(ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<TrainingSession[]> {
    const rows = await all(manager, db.selectFrom('training_session as s').selectAll('s').where('s.id', '=', anyOf(ids, 'uuid')));
    return rows.map((r) => hydrate(this.dataSource, TrainingSession, r));
  }

  lockedSession(manager: EntityManager, id: string): Promise<TrainingSession | null> {
    return manager.getRepository(TrainingSession).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async assignmentsByIds(ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<SessionAssignment[]> {
    const rows = await all(manager, db.selectFrom('session_assignment as a').selectAll('a').where('a.id', '=', anyOf(ids, 'uuid')));
    return rows.map((r) => hydrate(this.dataSource, SessionAssignment, r));
  }

  /** Every assignment of several sessions (any status): trainers first, then by when they were made. */
  async assignmentsOfSessions(sessionIds: readonly string[]): Promise<SessionAssignment[]> {
    const rows = await all(
      this.dataSource,
      db
        .selectFrom('session_assignment as a')
        .selectAll('a')
        .where('a.session_id', '=', anyOf(sessionIds, 'uuid'))
        .orderBy(sql`CASE ${sql.ref('a.role')} WHEN 'trainer' THEN 0 WHEN 'assistant' THEN 1 ELSE 2 END`)
        .orderBy('a.assigned_at'),
    );
    return rows.map((r) => hydrate(this.dataSource, SessionAssignment, r));
  }

  /** Ids of the pending and accepted assignments of a session. */
  async activeAssignmentIds(manager: EntityManager, sessionId: string): Promise<string[]> {
    const rows = await all(
      manager,
      db.selectFrom('session_assignment').select('id').where('session_id', '=', sessionId).where('status', 'in', ACTIVE).orderBy('assigned_at'),
    );
    return rows.map((r) => r.id);
  }

  async schedulesOfSessions(sessionIds: readonly string[]): Promise<SessionSchedule[]> {
    const rows = await all(
      this.dataSource,
      db.selectFrom('training_session_schedule as h').selectAll('h').where('h.session_id', '=', anyOf(sessionIds, 'uuid')).orderBy('h.version', 'desc'),
    );
    return rows.map((r) => hydrate(this.dataSource, SessionSchedule, r));
  }

  topics(): Promise<TrainingTopic[]> {
    return this.dataSource.getRepository(TrainingTopic).find({ where: { active: true }, order: { sortOrder: 'ASC' } });
  }

  /**
   * A member's assignments (pending and accepted unless `statuses` says otherwise) on sessions starting in
   * [from, to), soonest first; with `access`, only sessions inside it.
   */
  async memberAssignments(q: { memberId: string; from: Date; to: Date; access?: DataScope; statuses?: readonly string[] }): Promise<SessionAssignment[]> {
    let query = db.selectFrom('session_assignment as a').innerJoin('training_session as s', 's.id', 'a.session_id').selectAll('a');
    const inScope = q.access ? scopeFilter(q.access, { unit: 's.unit_id', group: 's.group_id' }) : null;
    if (inScope) query = query.where(inScope);
    query = query
      .where('a.member_id', '=', sql<string>`${q.memberId}::uuid`)
      .where('a.status', '=', anyOf(q.statuses ?? ACTIVE_ASSIGNMENT_STATUSES, 'text'))
      .where('s.starts_at', '>=', q.from)
      .where('s.starts_at', '<', q.to);
    const rows = await all(this.dataSource, query.orderBy('s.starts_at').orderBy('a.id').limit(500));
    return rows.map((r) => hydrate(this.dataSource, SessionAssignment, r));
  }

  /** Pending or accepted assignments of `memberIds` on other sessions (not cancelled) overlapping [startsAt, endsAt). */
  overlapping(manager: EntityManager, memberIds: string[], startsAt: Date, endsAt: Date, exceptSessionId: string | null): Promise<OverlapRow[]> {
    return all(
      manager,
      db
        .selectFrom('session_assignment as a')
        .innerJoin('training_session as s', 's.id', 'a.session_id')
        .innerJoin(membersForSessions().as('m'), 'm.id', 'a.member_id')
        .select(['a.member_id as memberId', 'm.full_name as fullName', 's.id as sessionId', 's.title', 's.starts_at as startsAt', 's.ends_at as endsAt'])
        .where('a.member_id', '=', anyOf(memberIds, 'uuid'))
        .where('a.status', 'in', ACTIVE)
        .where('s.status', '<>', sql.lit('cancelled'))
        .where('s.id', 'is distinct from', sql<string | null>`${exceptSessionId}::uuid`)
        .where('s.starts_at', '<', endsAt)
        .where('s.ends_at', '>', startsAt)
        .orderBy('s.starts_at')
        .limit(20),
    );
  }

  /** Locks members (in id order, so two writers never wait on each other in a circle) while their time is checked. */
  async lockMembers(manager: EntityManager, memberIds: string[]): Promise<{ id: string; leftOn: string | null }[]> {
    if (!memberIds.length) return [];
    return lockMembersForSessions(manager, memberIds);
  }

  /** Pending and accepted trainers of a session. */
  async trainerCount(manager: EntityManager, sessionId: string): Promise<number> {
    const row = await first(
      manager,
      db
        .selectFrom('session_assignment')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('session_id', '=', sessionId)
        .where('role', '=', sql.lit('trainer'))
        .where('status', 'in', ACTIVE),
    );
    return row!.n;
  }

  /** The member's current group (membership begun and open) and its status (no row: the member has no current group). */
  currentGroupOf(manager: EntityManager, memberId: string): Promise<{ groupId: string; status: string } | null> {
    return currentGroupForSessions(manager, memberId, this.clock.today());
  }

  recipients(manager: EntityManager, assignmentIds: string[]): Promise<Recipient[]> {
    if (!assignmentIds.length) return Promise.resolve([]);
    return all(
      manager,
      db
        .selectFrom('session_assignment as a')
        .innerJoin(membersForSessions().as('m'), 'm.id', 'a.member_id')
        .leftJoin(memberAccountsForSessions().as('u'), 'u.member_id', 'm.id')
        .leftJoin('member_notice_preference as p', 'p.member_id', 'm.id')
        .select((eb) => [
          'a.id as assignmentId',
          'a.member_id as memberId',
          'a.role',
          'a.status',
          'm.full_name as fullName',
          eb.fn.coalesce('m.email', 'u.email').as('email'),
          sql<'vi' | 'en'>`COALESCE(${eb.ref('u.language')}, 'vi')`.as('language'),
          'm.phone',
          sql<NoticeChannel | null>`${eb.ref('p.preferred_channel')}`.as('preferredChannel'),
        ])
        .where('a.id', '=', anyOf(assignmentIds, 'uuid'))
        .orderBy('a.assigned_at'),
    );
  }

  /** The names shown in notices and calendars: groups and units by id. */
  async namesOf(manager: EntityManager, groupIds: string[], unitIds: string[]): Promise<{ groups: Map<string, string>; units: Map<string, string> }> {
    const groups = await groupNamesForSessions(manager, [...new Set(groupIds)]);
    const units = await unitNamesForSessions(manager, [...new Set(unitIds)]);
    return { groups: new Map(groups.map((g) => [g.id, g.name])), units: new Map(units.map((u) => [u.id, u.name])) };
  }

  /** The member linked to an account (volunteers and leads), if any. */
  memberOfUser(userId: string): Promise<string | null> {
    return memberOfAccountForSessions(this.dataSource, userId);
  }

  /**
   * A member's name, address and language for notices, whether they take the weekly agenda, and whether their signed
   * calendar feed still answers: the member is active and in a group today (the rule of directory-current.ts), and
   * the account bound to them (if any) is not disabled.
   */
  async memberContact(
    memberId: string,
  ): Promise<{ id: string; fullName: string; email: string | null; language: 'vi' | 'en'; weeklyAgenda: boolean; feedActive: boolean } | null> {
    const row = await first(
      this.dataSource,
      db
        .selectFrom(memberStandingForSessions(this.clock.today()).as('m'))
        .leftJoin(memberAccountsForSessions().as('u'), 'u.member_id', 'm.id')
        .leftJoin('member_notice_preference as p', 'p.member_id', 'm.id')
        .select((eb) => [
          'm.id',
          'm.full_name as fullName',
          eb.fn.coalesce('m.email', 'u.email').as('email'),
          sql<'vi' | 'en'>`COALESCE(${eb.ref('u.language')}, 'vi')`.as('language'),
          sql<boolean>`COALESCE(${eb.ref('p.weekly_agenda')}, true)`.as('weeklyAgenda'),
          sql<boolean>`(${eb.ref('m.in_group')} AND COALESCE(${eb.ref('u.status')}, 'active') <> 'disabled')`.as('feedActive'),
        ])
        .where('m.id', '=', memberId),
    );
    return row ?? null;
  }

  async setWeeklyAgenda(memberId: string, subscribed: boolean): Promise<void> {
    await affected(
      this.dataSource,
      db
        .insertInto('member_notice_preference')
        .values({ member_id: memberId, weekly_agenda: subscribed })
        .onConflict((oc) => oc.column('member_id').doUpdateSet((eb) => ({ weekly_agenda: eb.ref('excluded.weekly_agenda'), updated_at: sql<Date>`now()` }))),
    );
  }

  /**
   * The commune-level unit (commune or special zone) that contains `unitId` or is it, with the unit's own kind and
   * validity (to check where a session may be held).
   */
  placeOfUnit(unitId: string): Promise<{ kind: string; validFrom: string | null; validTo: string | null; communePath: string | null } | null> {
    return placeOfUnitForSessions(this.dataSource, unitId);
  }

  /** Whether `unitId` lies in an area (a subtree as of a date, with the older units that went into it). */
  unitInArea(unitId: string, area: UnitScope): Promise<boolean> {
    return unitInAreaForSessions(this.dataSource, unitId, area);
  }

  /**
   * Active members of active groups inside `access` and `area` who are free for the session: not on it already and
   * not on another session at an overlapping time. With how many assignments each had in the last 30 days.
   */
  suggestionCandidates(access: DataScope, area: UnitScope, session: TrainingSession, limit = 2000): Promise<CandidateRow[]> {
    // Active today: joined and not left, in a membership that has begun, of an active group (directory's port).
    let query = db.selectFrom(availableMembersForSessions(this.clock.today()).as('c')).select((eb) => [
      'c.member_id as memberId',
      'c.full_name as fullName',
      'c.skills',
      'c.group_id as groupId',
      'c.unit_id as unitId',
      eb
        .selectFrom('session_assignment as r')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('r.member_id', '=', 'c.member_id')
        .where('r.status', 'in', ACTIVE)
        .where('r.assigned_at', '>=', sql<Date>`${this.clock.now()}::timestamptz - interval '30 days'`)
        .$asScalar()
        .$notNull()
        .as('recent'),
    ]);
    const inScope = scopeFilter(access, { unit: 'c.unit_id', group: 'c.group_id' });
    if (inScope) query = query.where(inScope);
    const inArea = unitFilter(area, 'c.unit_id');
    if (inArea) query = query.where(inArea);
    query = query
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('session_assignment as x')
              .select(sql<number>`1`.as('one'))
              .where('x.session_id', '=', sql<string>`${session.id}::uuid`)
              .whereRef('x.member_id', '=', 'c.member_id')
              .where('x.status', 'in', ACTIVE),
          ),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('session_assignment as x')
              .innerJoin('training_session as o', 'o.id', 'x.session_id')
              .select(sql<number>`1`.as('one'))
              .whereRef('x.member_id', '=', 'c.member_id')
              .where('x.status', 'in', ACTIVE)
              .where('o.status', '<>', sql.lit('cancelled'))
              .where('o.id', '<>', sql<string>`${session.id}::uuid`)
              .where('o.starts_at', '<', session.endsAt)
              .where('o.ends_at', '>', session.startsAt),
          ),
        ),
      );
    return all(this.dataSource, query.orderBy('c.member_id').limit(limit));
  }

  /** Members (after `afterMemberId`, by id) with pending or accepted assignments on planned sessions in [from, to) who take the weekly agenda and have an e-mail. */
  async agendaMembers(from: Date, to: Date, afterMemberId: string | null, limit: number): Promise<string[]> {
    let query = db
      .selectFrom('session_assignment as a')
      .innerJoin('training_session as s', 's.id', 'a.session_id')
      .innerJoin(membersForSessions().as('m'), 'm.id', 'a.member_id')
      .leftJoin(memberAccountsForSessions().as('u'), 'u.member_id', 'm.id')
      .leftJoin('member_notice_preference as p', 'p.member_id', 'm.id')
      .select('a.member_id')
      .distinct()
      .where('a.status', 'in', ACTIVE)
      .where('s.status', '=', sql.lit('planned'))
      .where('s.starts_at', '>=', from)
      .where('s.starts_at', '<', to)
      .where('m.left_on', 'is', null)
      .where(sql<SqlBool>`COALESCE(${sql.ref('p.weekly_agenda')}, true)`)
      .where((eb) => eb(eb.fn.coalesce('m.email', 'u.email'), 'is not', null));
    if (afterMemberId !== null) query = query.where('a.member_id', '>', sql<string>`${afterMemberId}::uuid`);
    const rows = await all(this.dataSource, query.orderBy('a.member_id').limit(limit));
    return rows.map((r) => r.member_id);
  }
}
