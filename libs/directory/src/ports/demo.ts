import { AliasableExpression, Insertable, sql } from 'kysely';
import { DataScope, scopeFilter } from '@cdtg/access';
import { all, chunked, columnsOf, Executor, first, PgTypes, unnestRows } from '@cdtg/database';
import { db, DirectoryTables } from '../db';

/*
 * Read and write ports for @cdtg/demo, which seeds whole cities and a national tree in bulk inside one transaction
 * (its caller's executor). Writes skip the directory service on purpose: the seeded rows are synthetic and many.
 */

/** The first groups (by name) whose unit is in `scope`, optionally only the active ones. */
export async function demoGroupsIn(on: Executor, scope: DataScope, options: { activeOnly: boolean; limit: number }): Promise<{ id: string; name: string }[]> {
  let query = db.selectFrom('volunteer_group as g').select(['g.id', 'g.name']);
  const inScope = scopeFilter(scope, { unit: 'g.unit_id' });
  if (inScope) query = query.where(inScope);
  if (options.activeOnly) query = query.where('g.status', '=', 'active');
  return all(on, query.orderBy('g.name').limit(options.limit));
}

/** The members holding an open membership of the group, leaders first (role order), then by name. */
function openMembersOf(groupId: string) {
  return db
    .selectFrom('membership as ms')
    .innerJoin('member as m', 'm.id', 'ms.member_id')
    .where('ms.group_id', '=', groupId)
    .where('ms.to_date', 'is', null)
    .orderBy('ms.role')
    .orderBy('m.name_search');
}

/** The group's first member with an open membership (its leader, usually). */
export async function demoFirstMemberOf(on: Executor, groupId: string): Promise<{ id: string; full_name: string } | undefined> {
  return first(on, openMembersOf(groupId).select(['m.id', 'm.full_name']).limit(1));
}

/** The group's members with an open membership who have not left, with their skills. */
export async function demoActiveMembersOf(on: Executor, groupId: string): Promise<{ id: string; skills: string[] }[]> {
  return all(on, openMembersOf(groupId).select(['m.id', 'm.skills']).where('m.left_on', 'is', null));
}

export interface DemoPlace {
  old_id: string;
  new_id: string;
  commune_id: string | null;
  name: string;
  code: string;
}

/**
 * For each place (a residential group and its successor, a subquery from geography), its active volunteer group with
 * the members holding an open membership (id and start), by place code. Places without such a group are left out.
 */
export async function demoActivityPlaces(
  on: Executor,
  places: AliasableExpression<DemoPlace>,
): Promise<{ old_id: string; new_id: string; commune_id: string | null; name: string; group_id: string; members: { id: string; from: string }[] }[]> {
  return all(
    on,
    db
      .selectFrom(places.as('p'))
      .innerJoin('volunteer_group as g', (join) => join.onRef('g.unit_id', '=', 'p.old_id').on('g.status', '=', 'active'))
      .innerJoin('membership as ms', (join) => join.onRef('ms.group_id', '=', 'g.id').on('ms.to_date', 'is', null))
      .select([
        'p.old_id',
        'p.new_id',
        'p.commune_id',
        'p.name',
        'g.id as group_id',
        sql<{ id: string; from: string }[]>`json_agg(json_build_object('id', ${sql.ref('ms.member_id')}, 'from', ${sql.ref('ms.from_date')}))`.as('members'),
      ])
      // A place's columns follow from its pair of ids.
      .groupBy(['p.old_id', 'p.new_id', 'p.commune_id', 'p.name', 'p.code', 'g.id'])
      .orderBy('p.code'),
  );
}

type Row<T, K extends keyof T> = Required<Pick<T, K>>;
export type DemoGroupRow = Row<
  Insertable<DirectoryTables['volunteer_group']>,
  'id' | 'name' | 'name_search' | 'unit_id' | 'decision_number' | 'decision_date' | 'status'
>;
export type DemoMemberRow = Row<
  Insertable<DirectoryTables['member']>,
  'id' | 'full_name' | 'name_search' | 'phone' | 'email' | 'gender' | 'birth_year' | 'affiliation' | 'skills' | 'joined_on'
>;
export type DemoMembershipRow = Row<Insertable<DirectoryTables['membership']>, 'group_id' | 'member_id' | 'role' | 'from_date'>;

const GROUP_TYPES: PgTypes<DemoGroupRow> = {
  id: 'uuid',
  name: 'text',
  name_search: 'text',
  unit_id: 'uuid',
  decision_number: 'text',
  decision_date: 'date',
  status: 'text',
};
const MEMBER_TYPES: PgTypes<DemoMemberRow> = {
  id: 'uuid',
  full_name: 'text',
  name_search: 'text',
  phone: 'text',
  email: 'text',
  gender: 'text',
  birth_year: 'int',
  affiliation: 'text',
  skills: 'text[]',
  joined_on: 'date',
};
const MEMBERSHIP_TYPES: PgTypes<DemoMembershipRow> = { group_id: 'uuid', member_id: 'uuid', role: 'text', from_date: 'date' };

/** Groups, in statements of up to 5,000 rows (their units must exist). */
export async function insertDemoGroups(on: Executor, rows: DemoGroupRow[]): Promise<void> {
  for (const chunk of chunked(rows, CHUNK)) {
    await all(
      on,
      db
        .insertInto('volunteer_group')
        .columns(columnsOf(GROUP_TYPES))
        .expression(db.selectFrom(unnestRows(chunk, GROUP_TYPES)).selectAll('t')),
    );
  }
}

/** Members, in statements of up to 5,000 rows. */
export async function insertDemoMembers(on: Executor, rows: DemoMemberRow[]): Promise<void> {
  for (const chunk of chunked(rows, CHUNK)) {
    await all(
      on,
      db
        .insertInto('member')
        .columns(columnsOf(MEMBER_TYPES))
        .expression(db.selectFrom(unnestRows(chunk, MEMBER_TYPES)).selectAll('t')),
    );
  }
}

/** Memberships, in statements of up to 5,000 rows (their groups and members must exist). */
export async function insertDemoMemberships(on: Executor, rows: DemoMembershipRow[]): Promise<void> {
  for (const chunk of chunked(rows, CHUNK)) {
    await all(
      on,
      db
        .insertInto('membership')
        .columns(columnsOf(MEMBERSHIP_TYPES))
        .expression(db.selectFrom(unnestRows(chunk, MEMBERSHIP_TYPES)).selectAll('t')),
    );
  }
}

/** Rows a statement: unnest sends one array parameter per column. */
const CHUNK = 5_000;
