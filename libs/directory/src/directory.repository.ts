import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { sql, SqlBool } from 'kysely';
import { DataScope, scopeFilter } from '@cdtg/access';
import { affected, all, anyOf, Executor, first, hydrate, keysetPageOf, Page, PageRequest } from '@cdtg/database';
import { unitFilter, UnitScope, unitsWithCodes } from '@cdtg/geography';

export type { UnitScope };
import { escapeLike } from '@cdtg/text';
import { Clock } from '@cdtg/time';
import { Affiliation, GroupStatus, MemberRole } from './directory.enums';
import { activeMember, currentMembership } from './directory-current';
import { db } from './db';
import { Member } from './member.entity';
import { Membership } from './membership.entity';
import { VolunteerGroup } from './volunteer-group.entity';

export interface GroupQuery {
  /** What the actor may see (always applied). */
  access: DataScope;
  /** A unit filter chosen by the user. */
  scope?: UnitScope;
  status?: GroupStatus;
  /** Folded search text. */
  search?: string;
  sort: 'name' | 'created';
}

export interface MemberQuery {
  access: DataScope;
  scope?: UnitScope;
  groupId?: string;
  active?: boolean;
  role?: MemberRole;
  skill?: string;
  affiliation?: Affiliation;
  search?: string;
  sort: 'name' | 'joined';
}

/** A member with the group and role of the membership that the list matched on (the current one, if any). */
export interface MemberRow extends Member {
  groupId: string | null;
  role: MemberRole | null;
}

/** Every SQL statement of the directory: lists with keyset pagination, filters pushed into SQL, batch loads. */
@Injectable()
export class DirectoryRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  listGroups(query: GroupQuery, page: PageRequest): Promise<Page<VolunteerGroup>> {
    let rows = db.selectFrom('volunteer_group as g').selectAll('g');
    for (const filter of [scopeFilter(query.access, { unit: 'g.unit_id', group: 'g.id' }), unitFilter(query.scope, 'g.unit_id')])
      if (filter) rows = rows.where(filter);
    if (query.status) rows = rows.where('g.status', '=', query.status);
    if (query.search) rows = rows.where('g.name_search', 'like', `%${escapeLike(query.search)}%`);
    const key = query.sort === 'name' ? sql<string>`g.name_search` : sql<string>`to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    return keysetPageOf(this.dataSource, rows, { key, id: 'g.id' }, page, (r) => hydrate(this.dataSource, VolunteerGroup, r));
  }

  listMembers(query: MemberQuery, page: PageRequest): Promise<Page<MemberRow>> {
    // The membership a member is listed under: the open one, or for members who left, their last one.
    let rows = db
      .selectFrom('member as m')
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('membership as x')
            .select(['x.group_id', 'x.role'])
            .whereRef('x.member_id', '=', 'm.id')
            .orderBy('x.to_date', (ob) => ob.desc().nullsFirst())
            .orderBy('x.from_date', 'desc')
            .limit(1)
            .as('ms'),
        (join) => join.onTrue(),
      )
      .leftJoin('volunteer_group as g', 'g.id', 'ms.group_id')
      .selectAll('m')
      .select(['ms.group_id as ms_group_id', 'ms.role as ms_role']);
    for (const filter of [scopeFilter(query.access, { unit: 'g.unit_id', group: 'g.id' }), unitFilter(query.scope, 'g.unit_id')])
      if (filter) rows = rows.where(filter);
    if (query.groupId) rows = rows.where('ms.group_id', '=', query.groupId);
    // Active: joined by today and not left (see directory-current.ts).
    if (query.active !== undefined) {
      const active = activeMember('m', this.clock.today());
      rows = rows.where(query.active ? active : sql<SqlBool>`NOT ${active}`);
    }
    if (query.role) rows = rows.where('ms.role', '=', query.role);
    if (query.skill) rows = rows.where(sql<SqlBool>`${query.skill} = ANY(${sql.ref('m.skills')})`);
    if (query.affiliation) rows = rows.where('m.affiliation', '=', query.affiliation);
    if (query.search) rows = rows.where('m.name_search', 'like', `%${escapeLike(query.search)}%`);
    const key = query.sort === 'name' ? sql<string>`m.name_search` : sql<string>`to_char(m.joined_on, 'YYYY-MM-DD')`;
    return keysetPageOf(this.dataSource, rows, { key, id: 'm.id' }, page, (r) => ({
      ...hydrate(this.dataSource, Member, r),
      groupId: r.ms_group_id ?? null,
      role: (r.ms_role as MemberRole | null) ?? null,
    }));
  }

  /** Where each member is listed: the group (and its unit) of the open membership, else of the last one. */
  async placesOf(manager: EntityManager, memberIds: readonly string[]): Promise<Map<string, { unitId: string; groupId: string }>> {
    const rows = await all(
      manager,
      db
        .selectFrom('membership as ms')
        .innerJoin('volunteer_group as g', 'g.id', 'ms.group_id')
        .distinctOn('ms.member_id')
        .select(['ms.member_id', 'g.id as group_id', 'g.unit_id'])
        .where('ms.member_id', '=', anyOf(memberIds, 'uuid'))
        .orderBy('ms.member_id')
        .orderBy('ms.to_date', (ob) => ob.desc().nullsFirst())
        .orderBy('ms.from_date', 'desc'),
    );
    return new Map(rows.map((r) => [r.member_id, { unitId: r.unit_id, groupId: r.group_id }]));
  }

  /** Where the active member with this phone number is listed, if there is one. */
  async activeMemberPlaceByPhone(manager: EntityManager, phone: string): Promise<{ unitId: string | null; groupId: string | null } | null> {
    const member = await first(manager, db.selectFrom('member').select('id').where('phone', '=', phone).where('left_on', 'is', null));
    return member ? ((await this.placesOf(manager, [member.id])).get(member.id) ?? { unitId: null, groupId: null }) : null;
  }

  async groupsByIds(ids: readonly string[]): Promise<VolunteerGroup[]> {
    const rows = await all(this.dataSource, db.selectFrom('volunteer_group as g').selectAll('g').where('g.id', '=', anyOf(ids, 'uuid')));
    return rows.map((r) => hydrate(this.dataSource, VolunteerGroup, r));
  }

  async membersByIds(ids: readonly string[], on: Executor = this.dataSource): Promise<Member[]> {
    const rows = await all(on, db.selectFrom('member as m').selectAll('m').where('m.id', '=', anyOf(ids, 'uuid')));
    return rows.map((r) => hydrate(this.dataSource, Member, r));
  }

  /** Current memberships (begun and open) of several groups, one query (for Group.members without N+1). */
  async currentMemberships(groupIds: readonly string[]): Promise<Membership[]> {
    const rows = await all(
      this.dataSource,
      db
        .selectFrom('membership as ms')
        .selectAll('ms')
        .where('ms.group_id', '=', anyOf(groupIds, 'uuid'))
        .where(currentMembership('ms', this.clock.today()))
        .orderBy(sql`CASE ms.role WHEN 'leader' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END`)
        .orderBy('ms.from_date'),
    );
    return rows.map((r) => hydrate(this.dataSource, Membership, r));
  }

  /** Every membership of several members, newest first (for Member.history). */
  async membershipsOfMembers(memberIds: readonly string[]): Promise<Membership[]> {
    const rows = await all(
      this.dataSource,
      db.selectFrom('membership as ms').selectAll('ms').where('ms.member_id', '=', anyOf(memberIds, 'uuid')).orderBy('ms.from_date', 'desc'),
    );
    return rows.map((r) => hydrate(this.dataSource, Membership, r));
  }

  /** Ends the group's open memberships on `day` (a dissolution). */
  async endGroupMemberships(manager: EntityManager, groupId: string, day: string): Promise<void> {
    await affected(manager, db.updateTable('membership').set({ to_date: day }).where('group_id', '=', groupId).where('to_date', 'is', null));
  }

  /** Ends the member's open membership on `day` (the member leaves). */
  async endMemberMembership(manager: EntityManager, memberId: string, day: string): Promise<void> {
    await affected(manager, db.updateTable('membership').set({ to_date: day }).where('member_id', '=', memberId).where('to_date', 'is', null));
  }

  /** The active members with these phone numbers, each with their open membership (if any) and its group's unit. */
  activeMembersByPhone(
    manager: EntityManager,
    phones: string[],
  ): Promise<
    {
      id: string;
      phone: string;
      membership_id: string | null;
      group_id: string | null;
      group_unit_id: string | null;
      role: string | null;
      from_date: string | null;
    }[]
  > {
    return all(
      manager,
      db
        .selectFrom('member as m')
        .leftJoin('membership as ms', (join) => join.onRef('ms.member_id', '=', 'm.id').on('ms.to_date', 'is', null))
        .leftJoin('volunteer_group as g', 'g.id', 'ms.group_id')
        .select(['m.id', 'm.phone', 'ms.id as membership_id', 'ms.group_id', 'g.unit_id as group_unit_id', 'ms.role', 'ms.from_date'])
        .where('m.left_on', 'is', null)
        .where('m.phone', '=', anyOf(phones, 'text')),
    );
  }

  /** Groups with one of `names` (folded) serving a unit with one of `codes` (any version of the code), each with that code. */
  async groupsByCodeAndName(manager: EntityManager, codes: string[], names: string[]): Promise<(VolunteerGroup & { unitCode: string })[]> {
    const rows = await all(
      manager,
      db
        .selectFrom('volunteer_group as g')
        .innerJoin(unitsWithCodes(codes).as('u'), 'u.id', 'g.unit_id')
        .selectAll('g')
        .select('u.code as unit_code')
        .where('g.name_search', '=', anyOf(names, 'text')),
    );
    return rows.map((r) => Object.assign(hydrate(this.dataSource, VolunteerGroup, r), { unitCode: r.unit_code }));
  }

  /** Adds a chunk's counts and errors to an import's progress. */
  async recordImportProgress(
    manager: EntityManager,
    id: string,
    processedRows: number,
    counts: { created: number; updated: number; unchanged: number; errors: unknown[] },
  ): Promise<void> {
    await affected(
      manager,
      db
        .updateTable('directory_import')
        .set((eb) => ({
          processed_rows: processedRows,
          created: eb('created', '+', counts.created),
          updated: eb('updated', '+', counts.updated),
          unchanged: eb('unchanged', '+', counts.unchanged),
          errors: sql<string>`errors || ${JSON.stringify(counts.errors)}::jsonb`,
          updated_at: sql<Date>`now()`,
        }))
        .where('id', '=', id),
    );
  }
}
