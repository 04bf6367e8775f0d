import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, Page, PageRequest, toPage } from '@cdtg/database';
import { unitScopeCte } from '@cdtg/geography';
import { escapeLike } from '@cdtg/text';
import { Affiliation, GroupStatus, MemberRole } from './directory.enums';
import { Member } from './member.entity';
import { Membership } from './membership.entity';
import { VolunteerGroup } from './volunteer-group.entity';

export interface UnitScope {
  /** Path of the unit followed by %, and the date the tree is read on. */
  pathPrefix: string;
  asOf: string;
}

export interface GroupQuery {
  scope?: UnitScope;
  status?: GroupStatus;
  /** Folded search text. */
  search?: string;
  sort: 'name' | 'created';
}

export interface MemberQuery {
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

/** Builds WHERE clauses with numbered parameters. */
class Sql {
  readonly where: string[] = [];
  readonly params: unknown[] = [];
  cte = '';

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** Restricts `unitColumn` to a unit subtree (and the old units that went into it). Must be called first. */
  scope(scope: UnitScope | undefined, unitColumn: string): void {
    if (!scope) return;
    this.cte = `WITH RECURSIVE ${unitScopeCte(1)} `;
    this.param(scope.pathPrefix);
    this.param(scope.asOf);
    this.where.push(`${unitColumn} IN (SELECT id FROM unit_scope)`);
  }
}

/** Every SQL statement of the directory: lists with keyset pagination, filters pushed into SQL, batch loads. */
@Injectable()
export class DirectoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  async listGroups(query: GroupQuery, page: PageRequest): Promise<Page<VolunteerGroup>> {
    const sql = new Sql();
    sql.scope(query.scope, 'g.unit_id');
    if (query.status) sql.where.push(`g.status = ${sql.param(query.status)}`);
    if (query.search) sql.where.push(`g.name_search LIKE ${sql.param(`%${escapeLike(query.search)}%`)}`);
    const key = query.sort === 'name' ? 'g.name_search' : `to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    return this.keysetPage(sql, { select: 'g.*', from: 'volunteer_group g', key, id: 'g.id' }, page, (r) => this.hydrate(VolunteerGroup, r));
  }

  async listMembers(query: MemberQuery, page: PageRequest): Promise<Page<MemberRow>> {
    const sql = new Sql();
    sql.scope(query.scope, 'g.unit_id');
    if (query.groupId) sql.where.push(`ms.group_id = ${sql.param(query.groupId)}::uuid`);
    if (query.active !== undefined) sql.where.push(query.active ? 'm.left_on IS NULL' : 'm.left_on IS NOT NULL');
    if (query.role) sql.where.push(`ms.role = ${sql.param(query.role)}`);
    if (query.skill) sql.where.push(`${sql.param(query.skill)} = ANY(m.skills)`);
    if (query.affiliation) sql.where.push(`m.affiliation = ${sql.param(query.affiliation)}`);
    if (query.search) sql.where.push(`m.name_search LIKE ${sql.param(`%${escapeLike(query.search)}%`)}`);
    // The membership a member is listed under: the open one, or for members who left, their last one.
    const from = `member m
      LEFT JOIN LATERAL (SELECT x.group_id, x.role FROM membership x WHERE x.member_id = m.id ORDER BY x.to_date DESC NULLS FIRST, x.from_date DESC LIMIT 1) ms ON true
      LEFT JOIN volunteer_group g ON g.id = ms.group_id`;
    const key = query.sort === 'name' ? 'm.name_search' : `to_char(m.joined_on, 'YYYY-MM-DD')`;
    return this.keysetPage(sql, { select: 'm.*, ms.group_id AS ms_group_id, ms.role AS ms_role', from, key, id: 'm.id' }, page, (r) => ({
      ...this.hydrate(Member, r),
      groupId: (r.ms_group_id as string) ?? null,
      role: (r.ms_role as MemberRole) ?? null,
    }));
  }

  /** One count and one page query: rows after the cursor's (key, id), `first + 1` of them to know if more follow. */
  private async keysetPage<T extends { id: string }>(
    sql: Sql,
    q: { select: string; from: string; key: string; id: string },
    page: PageRequest,
    map: (row: Record<string, unknown>) => T,
  ): Promise<Page<T>> {
    const where = (clauses: string[]) => (clauses.length ? `WHERE ${clauses.join(' AND ')}` : '');
    const [{ count }] = (await this.dataSource.query(`${sql.cte}SELECT count(*)::int AS count FROM ${q.from} ${where(sql.where)}`, sql.params)) as { count: number }[];
    const clauses = [...sql.where];
    if (page.after) {
      const [k, id] = decodeCursor(page.after);
      clauses.push(`(${q.key}, ${q.id}) > (${sql.param(String(k))}, ${sql.param(id)}::uuid)`);
    }
    const rows = (await this.dataSource.query(
      `${sql.cte}SELECT ${q.select}, ${q.key} AS sort_key FROM ${q.from} ${where(clauses)} ORDER BY ${q.key}, ${q.id} LIMIT ${sql.param(page.first + 1)}`,
      sql.params,
    )) as Record<string, unknown>[];
    const keyed = rows.map((r) => ({ node: map(r), key: String(r.sort_key) }));
    const result = toPage(keyed, page.first, count, (x) => encodeCursor(x.key, x.node.id));
    return { ...result, items: result.items.map((i) => ({ node: i.node.node, cursor: i.cursor })) };
  }

  groupsByIds(ids: readonly string[]): Promise<VolunteerGroup[]> {
    return this.dataSource.getRepository(VolunteerGroup).createQueryBuilder('g').where('g.id = ANY(:ids)', { ids }).getMany();
  }

  membersByIds(ids: readonly string[]): Promise<Member[]> {
    return this.dataSource.getRepository(Member).createQueryBuilder('m').where('m.id = ANY(:ids)', { ids }).getMany();
  }

  /** Current memberships of several groups, one query (for Group.members without N+1). */
  currentMemberships(groupIds: readonly string[]): Promise<Membership[]> {
    return this.dataSource
      .getRepository(Membership)
      .createQueryBuilder('ms')
      .where('ms.group_id = ANY(:groupIds) AND ms.to_date IS NULL', { groupIds })
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

  /** An entity from a raw row of its table (snake_case columns), via TypeORM's own column metadata. */
  private hydrate<T extends object>(entity: new () => T, row: Record<string, unknown>): T {
    const repository = this.dataSource.getRepository(entity);
    const fields = repository.metadata.columns.map((c) => [c.propertyName, row[c.databaseName]]);
    return repository.create(Object.fromEntries(fields) as T);
  }
}
