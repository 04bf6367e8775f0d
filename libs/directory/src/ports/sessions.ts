import { sql } from 'kysely';
import { all, anyOf, Executor, first } from '@cdtg/database';
import { db } from '../db';
import { activeMember, currentMembership } from '../directory-current';

/*
 * What sessions reads of the directory: members to assign and to write to, their current group, group names. The
 * subqueries are joined into sessions' own statements (one statement, one snapshot, as before the split).
 */

/** Every member with what notices and overlaps show: a subquery to join on `id`. */
export function membersForSessions() {
  return db.selectFrom('member').select(['id', 'full_name', 'email', 'phone', 'left_on']);
}

/**
 * Every member with whether, on `today`, they are active and in a group (a current membership): the standing a
 * member's calendar feed needs. A subquery to join on `id`.
 */
export function memberStandingForSessions(today: string) {
  return db.selectFrom('member as m').select((eb) => [
    'm.id',
    'm.full_name',
    'm.email',
    sql<boolean>`(${activeMember('m', today)} AND ${eb.exists(
      eb
        .selectFrom('membership as ms')
        .select(sql<number>`1`.as('one'))
        .whereRef('ms.member_id', '=', 'm.id')
        .where(currentMembership('ms', today)),
    )})`.as('in_group'),
  ]);
}

/**
 * Active members (on `today`) in a current membership of an active group, one row per such membership: who may be
 * suggested for a session. A subquery to filter and join.
 */
export function availableMembersForSessions(today: string) {
  return db
    .selectFrom('member as m')
    .innerJoin('membership as ms', (join) => join.onRef('ms.member_id', '=', 'm.id').on('ms.to_date', 'is', null))
    .innerJoin('volunteer_group as g', 'g.id', 'ms.group_id')
    .select(['m.id as member_id', 'm.full_name', 'm.skills', 'g.id as group_id', 'g.unit_id'])
    .where(activeMember('m', today))
    .where('ms.from_date', '<=', sql<string>`${today}::date`)
    .where('g.status', '=', sql.lit('active'));
}

/** Locks members (in id order, so two writers never wait on each other in a circle) while sessions checks their time. */
export function lockMembersForSessions(on: Executor, memberIds: readonly string[]): Promise<{ id: string; leftOn: string | null }[]> {
  return all(
    on,
    db
      .selectFrom('member')
      .select(['id', sql<string | null>`to_char(${sql.ref('left_on')}, 'YYYY-MM-DD')`.as('leftOn')])
      .where('id', '=', anyOf(memberIds, 'uuid'))
      .orderBy('id')
      .forUpdate(),
  );
}

/** The member's current group (membership begun and open on `today`) and its status; null without one. */
export async function currentGroupForSessions(on: Executor, memberId: string, today: string): Promise<{ groupId: string; status: string } | null> {
  const row = await first(
    on,
    db
      .selectFrom('membership as ms')
      .innerJoin('volunteer_group as g', 'g.id', 'ms.group_id')
      .select(['g.id as groupId', 'g.status'])
      .where('ms.member_id', '=', memberId)
      .where(currentMembership('ms', today)),
  );
  return row ?? null;
}

/** Group names by id. */
export function groupNamesForSessions(on: Executor, groupIds: readonly string[]): Promise<{ id: string; name: string }[]> {
  return all(on, db.selectFrom('volunteer_group').select(['id', 'name']).where('id', '=', anyOf(groupIds, 'uuid')));
}
