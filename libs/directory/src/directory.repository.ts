import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DataScope, restrictToScope } from '@cdtg/access';
import { hydrate, keysetPage, Page, PageRequest, SqlBuilder } from '@cdtg/database';
import { filterByUnit, UnitScope } from '@cdtg/geography';

export type { UnitScope };
import { escapeLike } from '@cdtg/text';
import { Clock } from '@cdtg/time';
import { Affiliation, GroupStatus, MemberRole } from './directory.enums';
import { activeMemberSql, currentMembershipSql } from './directory-current';
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

  async listGroups(query: GroupQuery, page: PageRequest): Promise<Page<VolunteerGroup>> {
    const sql = new SqlBuilder();
    restrictToScope(sql, query.access, { unit: 'g.unit_id', group: 'g.id' });
    filterByUnit(sql, query.scope, 'g.unit_id');
    if (query.status) sql.where.push(`g.status = ${sql.param(query.status)}`);
    if (query.search) sql.where.push(`g.name_search LIKE ${sql.param(`%${escapeLike(query.search)}%`)}`);
    const key = query.sort === 'name' ? 'g.name_search' : `to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    return keysetPage(this.dataSource, sql, { select: 'g.*', from: 'volunteer_group g', key, id: 'g.id' }, page, (r) =>
      hydrate(this.dataSource, VolunteerGroup, r),
    );
  }

  async listMembers(query: MemberQuery, page: PageRequest): Promise<Page<MemberRow>> {
    const sql = new SqlBuilder();
    restrictToScope(sql, query.access, { unit: 'g.unit_id', group: 'g.id' });
    filterByUnit(sql, query.scope, 'g.unit_id');
    if (query.groupId) sql.where.push(`ms.group_id = ${sql.param(query.groupId)}::uuid`);
    // Active: joined by today and not left (see directory-current.ts).
    if (query.active !== undefined) sql.where.push(`${query.active ? '' : 'NOT '}${activeMemberSql('m', `${sql.param(this.clock.today())}::date`)}`);
    if (query.role) sql.where.push(`ms.role = ${sql.param(query.role)}`);
    if (query.skill) sql.where.push(`${sql.param(query.skill)} = ANY(m.skills)`);
    if (query.affiliation) sql.where.push(`m.affiliation = ${sql.param(query.affiliation)}`);
    if (query.search) sql.where.push(`m.name_search LIKE ${sql.param(`%${escapeLike(query.search)}%`)}`);
    // The membership a member is listed under: the open one, or for members who left, their last one.
    const from = `member m
      LEFT JOIN LATERAL (SELECT x.group_id, x.role FROM membership x WHERE x.member_id = m.id ORDER BY x.to_date DESC NULLS FIRST, x.from_date DESC LIMIT 1) ms ON true
      LEFT JOIN volunteer_group g ON g.id = ms.group_id`;
    const key = query.sort === 'name' ? 'm.name_search' : `to_char(m.joined_on, 'YYYY-MM-DD')`;
    return keysetPage(this.dataSource, sql, { select: 'm.*, ms.group_id AS ms_group_id, ms.role AS ms_role', from, key, id: 'm.id' }, page, (r) => ({
      ...hydrate(this.dataSource, Member, r),
      groupId: (r.ms_group_id as string) ?? null,
      role: (r.ms_role as MemberRole) ?? null,
    }));
  }

  /** Where each member is listed: the group (and its unit) of the open membership, else of the last one. */
  async placesOf(manager: EntityManager, memberIds: readonly string[]): Promise<Map<string, { unitId: string; groupId: string }>> {
    const rows = (await manager.query(
      `SELECT DISTINCT ON (ms.member_id) ms.member_id, g.id AS group_id, g.unit_id FROM membership ms JOIN volunteer_group g ON g.id = ms.group_id
        WHERE ms.member_id = ANY($1::uuid[]) ORDER BY ms.member_id, ms.to_date DESC NULLS FIRST, ms.from_date DESC`,
      [memberIds],
    )) as { member_id: string; group_id: string; unit_id: string }[];
    return new Map(rows.map((r) => [r.member_id, { unitId: r.unit_id, groupId: r.group_id }]));
  }

  /** Where the active member with this phone number is listed, if there is one. */
  async activeMemberPlaceByPhone(manager: EntityManager, phone: string): Promise<{ unitId: string | null; groupId: string | null } | null> {
    const [member] = (await manager.query(`SELECT id FROM member WHERE phone = $1 AND left_on IS NULL`, [phone])) as { id: string }[];
    return member ? ((await this.placesOf(manager, [member.id])).get(member.id) ?? { unitId: null, groupId: null }) : null;
  }

  groupsByIds(ids: readonly string[]): Promise<VolunteerGroup[]> {
    return this.dataSource.getRepository(VolunteerGroup).createQueryBuilder('g').where('g.id = ANY(:ids)', { ids }).getMany();
  }

  membersByIds(ids: readonly string[]): Promise<Member[]> {
    return this.dataSource.getRepository(Member).createQueryBuilder('m').where('m.id = ANY(:ids)', { ids }).getMany();
  }

  /** Current memberships (begun and open) of several groups, one query (for Group.members without N+1). */
  currentMemberships(groupIds: readonly string[]): Promise<Membership[]> {
    return this.dataSource
      .getRepository(Membership)
      .createQueryBuilder('ms')
      .where(`ms.group_id = ANY(:groupIds) AND ${currentMembershipSql('ms', ':today')}`, { groupIds, today: this.clock.today() })
      .orderBy(`CASE ms.role WHEN 'leader' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END`)
      .addOrderBy('ms.from_date')
      .getMany();
  }

  /** Every membership of several members, newest first (for Member.history). */
  membershipsOfMembers(memberIds: readonly string[]): Promise<Membership[]> {
    return this.dataSource
      .getRepository(Membership)
      .createQueryBuilder('ms')
      .where('ms.member_id = ANY(:memberIds)', { memberIds })
      .orderBy('ms.from_date', 'DESC')
      .getMany();
  }
}
