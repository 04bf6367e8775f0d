import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DataScope, restrictToScope } from '@cdtg/access';
import { hydrate, keysetPage, Page, PageRequest, SqlBuilder } from '@cdtg/database';
import { unitScopeCte } from '@cdtg/geography';
import { AssistOutcome, AssistService, EntryStatus } from './assist.enums';
import { AssistEntry } from './assist-entry.entity';
import { EntryDraft, UnitFacts } from './entry-rules';
import { Household } from './household.entity';

export interface EntryQuery {
  access: DataScope;
  /** A unit subtree (path of the unit followed by %, and the day the tree is read on). */
  unit?: { pathPrefix: string; asOf: string };
  groupId?: string;
  householdId?: string;
  from?: string;
  to?: string;
  service?: AssistService;
  outcome?: AssistOutcome;
  status?: EntryStatus;
  verified?: boolean;
}

/** A stored entry found by its client id. */
export interface StoredClientId {
  id: string;
  clientId: string;
  groupId: string;
}

/** Every SQL statement of the assistance log. */
@Injectable()
export class AssistRepository {
  constructor(private readonly dataSource: DataSource) {}

  group(manager: EntityManager, id: string): Promise<{ id: string; unit_id: string; status: string; dissolved_on: string | null } | undefined> {
    return manager
      .query(`SELECT id, unit_id, status, dissolved_on::text FROM volunteer_group WHERE id = $1`, [id])
      .then((rows: { id: string; unit_id: string; status: string; dissolved_on: string | null }[]) => rows[0]);
  }

  /**
   * The units, with whether each lies in the group's area: the group's unit subtree, and through reorganisations
   * what it became and what became part of it. A unit is in the area when it, or a unit linked to it forward or
   * backward, lies under the group's unit, or when it is one of the group's unit's successors.
   */
  async unitsInArea(manager: EntityManager, groupId: string, unitIds: string[]): Promise<Map<string, UnitFacts>> {
    const rows = (await manager.query(
      `WITH RECURSIVE g AS (SELECT a.id, a.path FROM volunteer_group vg JOIN admin_unit a ON a.id = vg.unit_id WHERE vg.id = $1),
        succ(id) AS (SELECT id FROM g UNION SELECT l.to_unit_id FROM reorganisation_link l JOIN succ s ON l.from_unit_id = s.id WHERE l.to_unit_id IS NOT NULL),
        back(origin, id) AS (SELECT u, u FROM unnest($2::uuid[]) AS u
                             UNION SELECT b.origin, l.from_unit_id FROM reorganisation_link l JOIN back b ON l.to_unit_id = b.id),
        fwd(origin, id) AS (SELECT u, u FROM unnest($2::uuid[]) AS u
                            UNION SELECT f.origin, l.to_unit_id FROM reorganisation_link l JOIN fwd f ON l.from_unit_id = f.id WHERE l.to_unit_id IS NOT NULL),
        linked(origin, id) AS (SELECT origin, id FROM back UNION SELECT origin, id FROM fwd),
        inside AS (SELECT DISTINCT k.origin AS id FROM linked k JOIN admin_unit a ON a.id = k.id JOIN g ON a.path LIKE g.path || '%'
                   UNION SELECT id FROM succ)
       SELECT u.id, u.kind, u.name, u.type_word, u.valid_from::text, u.valid_to::text, u.id IN (SELECT id FROM inside) AS in_area
         FROM admin_unit u WHERE u.id = ANY($2::uuid[])`,
      [groupId, unitIds],
    )) as { id: string; kind: string; name: string; type_word: string; valid_from: string | null; valid_to: string | null; in_area: boolean }[];
    return new Map(
      rows.map((r) => [r.id, { id: r.id, kind: r.kind, name: r.name, typeWord: r.type_word, validFrom: r.valid_from, validTo: r.valid_to, inArea: r.in_area }]),
    );
  }

  /** Every period each of the members spent in the group. */
  async membershipPeriods(manager: EntityManager, groupId: string, memberIds: string[]): Promise<Map<string, { from: string; to: string | null }[]>> {
    const rows = (await manager.query(
      `SELECT member_id, from_date::text AS "from", to_date::text AS "to" FROM membership WHERE group_id = $1 AND member_id = ANY($2::uuid[])`,
      [groupId, memberIds],
    )) as { member_id: string; from: string; to: string | null }[];
    const out = new Map<string, { from: string; to: string | null }[]>();
    for (const r of rows) out.set(r.member_id, [...(out.get(r.member_id) ?? []), { from: r.from, to: r.to }]);
    return out;
  }

  /** The sessions among `sessionIds` that the group runs, with their status. */
  async sessionsOfGroup(manager: EntityManager, groupId: string, sessionIds: string[]): Promise<Map<string, { status: string }>> {
    const rows = (await manager.query(`SELECT id, status FROM training_session WHERE group_id = $1 AND id = ANY($2::uuid[])`, [groupId, sessionIds])) as {
      id: string;
      status: string;
    }[];
    return new Map(rows.map((r) => [r.id, { status: r.status }]));
  }

  async byClientIds(manager: EntityManager, clientIds: string[]): Promise<StoredClientId[]> {
    return (await manager.query(`SELECT id, client_id AS "clientId", group_id AS "groupId" FROM assist_entry WHERE client_id = ANY($1::text[])`, [
      clientIds,
    ])) as StoredClientId[];
  }

  /** Inserts the entries whose client id is new; returns the stored ones (client id → entry id). */
  async insertEntries(
    manager: EntityManager,
    groupId: string,
    submittedBy: string | null,
    drafts: (EntryDraft & { householdId: string })[],
  ): Promise<Map<string, string>> {
    const rows = drafts.map((d) => ({
      client_id: d.clientId,
      unit_id: d.unit.id,
      household_id: d.householdId,
      services: d.services,
      volunteer_ids: d.volunteerIds,
      session_id: d.sessionId,
      occurred_at: d.occurredAt.toISOString(),
      occurred_on: d.occurredOn,
      note: d.note,
    }));
    const inserted = (await manager.query(
      `INSERT INTO assist_entry (client_id, group_id, unit_id, household_id, services, volunteer_ids, session_id, occurred_at, occurred_on, note, submitted_by)
       SELECT x.client_id, $2, x.unit_id, x.household_id, x.services, ARRAY(SELECT jsonb_array_elements_text(x.volunteer_ids))::uuid[], x.session_id,
              x.occurred_at, x.occurred_on, x.note, $3
         FROM jsonb_to_recordset($1::jsonb) AS x(client_id text, unit_id uuid, household_id uuid, services jsonb, volunteer_ids jsonb, session_id uuid,
                                                 occurred_at timestamptz, occurred_on date, note text)
       ON CONFLICT (client_id) DO NOTHING
       RETURNING id, client_id`,
      [JSON.stringify(rows), groupId, submittedBy],
    )) as { id: string; client_id: string }[];
    return new Map(inserted.map((r) => [r.client_id, r.id]));
  }

  async lockedEntry(manager: EntityManager, id: string): Promise<AssistEntry | null> {
    return manager.getRepository(AssistEntry).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  entriesByIds(ids: readonly string[]): Promise<AssistEntry[]> {
    return this.dataSource.getRepository(AssistEntry).createQueryBuilder('e').where('e.id = ANY(:ids)', { ids }).getMany();
  }

  /** The entries among `ids` that lie in `access` (the others are left out, whether or not they exist). */
  async entriesInScope(access: DataScope, ids: readonly string[]): Promise<AssistEntry[]> {
    const sql = new SqlBuilder();
    sql.where.push(`e.id = ANY(${sql.param(ids)}::uuid[])`);
    restrictToScope(sql, access, { unit: 'e.unit_id', group: 'e.group_id' });
    const rows = (await this.dataSource.query(`${sql.with}SELECT e.id FROM assist_entry e WHERE ${sql.where.join(' AND ')}`, sql.params)) as { id: string }[];
    return rows.length ? this.entriesByIds(rows.map((r) => r.id)) : [];
  }

  householdsByIds(ids: readonly string[]): Promise<Household[]> {
    return this.dataSource.getRepository(Household).createQueryBuilder('h').where('h.id = ANY(:ids)', { ids }).getMany();
  }

  /** Sets or clears verification on the valid entries among `ids` that lie in `access`; returns the entries changed. */
  async setVerified(
    manager: EntityManager,
    access: DataScope,
    ids: string[],
    verifiedBy: string | null,
    verified: boolean,
  ): Promise<{ id: string; household_id: string; unit_id: string; group_id: string }[]> {
    const sql = new SqlBuilder();
    sql.where.push(`e.id = ANY(${sql.param(ids)}::uuid[])`, `e.status = 'valid'`, verified ? 'e.verified_at IS NULL' : 'e.verified_at IS NOT NULL');
    restrictToScope(sql, access, { unit: 'e.unit_id', group: 'e.group_id' });
    const set = verified ? `verified_at = now(), verified_by = ${sql.param(verifiedBy)}::uuid` : 'verified_at = NULL, verified_by = NULL';
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows] = (await manager.query(
      `${sql.with}UPDATE assist_entry e SET ${set}, updated_at = now() WHERE ${sql.where.join(' AND ')} RETURNING e.id, e.household_id, e.unit_id, e.group_id`,
      sql.params,
    )) as [{ id: string; household_id: string; unit_id: string; group_id: string }[], number];
    return rows;
  }

  async list(query: EntryQuery, page: PageRequest): Promise<Page<AssistEntry>> {
    const sql = new SqlBuilder();
    restrictToScope(sql, query.access, { unit: 'e.unit_id', group: 'e.group_id' });
    if (query.unit) {
      const first = sql.params.length + 1;
      sql.param(query.unit.pathPrefix);
      sql.param(query.unit.asOf);
      sql.ctes.push(unitScopeCte(first));
      sql.where.push('e.unit_id IN (SELECT id FROM unit_scope)');
    }
    if (query.groupId) sql.where.push(`e.group_id = ${sql.param(query.groupId)}::uuid`);
    if (query.householdId) sql.where.push(`e.household_id = ${sql.param(query.householdId)}::uuid`);
    if (query.from) sql.where.push(`e.occurred_on >= ${sql.param(query.from)}::date`);
    if (query.to) sql.where.push(`e.occurred_on <= ${sql.param(query.to)}::date`);
    if (query.service && query.outcome)
      sql.where.push(`e.services @> ${sql.param(JSON.stringify([{ service: query.service, outcome: query.outcome }]))}::jsonb`);
    else if (query.service) sql.where.push(`e.services @> ${sql.param(JSON.stringify([{ service: query.service }]))}::jsonb`);
    else if (query.outcome) sql.where.push(`e.services @> ${sql.param(JSON.stringify([{ outcome: query.outcome }]))}::jsonb`);
    if (query.status) sql.where.push(`e.status = ${sql.param(query.status)}`);
    if (query.verified !== undefined) sql.where.push(query.verified ? 'e.verified_at IS NOT NULL' : 'e.verified_at IS NULL');
    const key = `to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    return keysetPage(this.dataSource, sql, { select: 'e.*', from: 'assist_entry e', key, id: 'e.id', descending: true }, page, (r) =>
      hydrate(this.dataSource, AssistEntry, r),
    );
  }

  /** The client ids among `clientIds` that are stored in entries inside `access`. */
  async storedClientIds(access: DataScope, clientIds: string[]): Promise<string[]> {
    const sql = new SqlBuilder();
    sql.where.push(`e.client_id = ANY(${sql.param(clientIds)}::text[])`);
    restrictToScope(sql, access, { unit: 'e.unit_id', group: 'e.group_id' });
    const rows = (await this.dataSource.query(
      `${sql.with}SELECT e.client_id FROM assist_entry e WHERE ${sql.where.join(' AND ')} ORDER BY e.client_id`,
      sql.params,
    )) as { client_id: string }[];
    return rows.map((r) => r.client_id);
  }
}
