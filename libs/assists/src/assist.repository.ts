import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SelectQueryBuilder, sql, SqlBool } from 'kysely';
import { DataScope, scopeFilter } from '@cdtg/access';
import { all, anyOf, hydrate, keysetPageOf, Page, PageRequest } from '@cdtg/database';
import { groupForEntries, membershipPeriods, unitOfGroup } from '@cdtg/directory';
import { unitFilter, unitsInGroupArea } from '@cdtg/geography';
import { sessionsOfGroup } from '@cdtg/sessions';
import { AssistsTables, db } from './db';
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
    return groupForEntries(manager, id);
  }

  /**
   * The units, with whether each lies in the group's area: the group's unit subtree, and through reorganisations
   * what it became and what became part of it (geography's unitsInGroupArea, with the group's unit read in the same statement).
   */
  async unitsInArea(manager: EntityManager, groupId: string, unitIds: string[]): Promise<Map<string, UnitFacts>> {
    const rows = await unitsInGroupArea(manager, unitOfGroup(groupId), unitIds);
    return new Map(
      rows.map((r) => [r.id, { id: r.id, kind: r.kind, name: r.name, typeWord: r.type_word, validFrom: r.valid_from, validTo: r.valid_to, inArea: r.in_area }]),
    );
  }

  /** Every period each of the members spent in the group. */
  async membershipPeriods(manager: EntityManager, groupId: string, memberIds: string[]): Promise<Map<string, { from: string; to: string | null }[]>> {
    const rows = await membershipPeriods(manager, groupId, memberIds);
    const out = new Map<string, { from: string; to: string | null }[]>();
    for (const r of rows) out.set(r.member_id, [...(out.get(r.member_id) ?? []), { from: r.from, to: r.to }]);
    return out;
  }

  /** The sessions among `sessionIds` that the group runs, with their status. */
  async sessionsOfGroup(manager: EntityManager, groupId: string, sessionIds: string[]): Promise<Map<string, { status: string }>> {
    const rows = await sessionsOfGroup(manager, groupId, sessionIds);
    return new Map(rows.map((r) => [r.id, { status: r.status }]));
  }

  byClientIds(manager: EntityManager, clientIds: string[]): Promise<StoredClientId[]> {
    return all(
      manager,
      db.selectFrom('assist_entry').select(['id', 'client_id as clientId', 'group_id as groupId']).where('client_id', '=', anyOf(clientIds, 'text')),
    );
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
    // One parameter for the whole batch (jsonb_to_recordset), however many entries it holds.
    const batch = sql<{
      client_id: string;
      unit_id: string;
      household_id: string;
      services: string;
      volunteer_ids: unknown;
      session_id: string | null;
      occurred_at: Date;
      occurred_on: string;
      note: string | null;
    }>`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)`.as<'x'>(
      sql`x(client_id text, unit_id uuid, household_id uuid, services jsonb, volunteer_ids jsonb, session_id uuid, occurred_at timestamptz, occurred_on date, note text)`,
    );
    const inserted = await all(
      manager,
      db
        .insertInto('assist_entry')
        .columns([
          'client_id',
          'group_id',
          'unit_id',
          'household_id',
          'services',
          'volunteer_ids',
          'session_id',
          'occurred_at',
          'occurred_on',
          'note',
          'submitted_by',
        ])
        .expression(
          db
            .selectFrom(batch)
            .select((eb) => [
              'x.client_id',
              eb.val(groupId).as('group_id'),
              'x.unit_id',
              'x.household_id',
              'x.services',
              sql<string[]>`ARRAY(SELECT jsonb_array_elements_text(${eb.ref('x.volunteer_ids')}))::uuid[]`.as('volunteer_ids'),
              'x.session_id',
              'x.occurred_at',
              'x.occurred_on',
              'x.note',
              eb.val(submittedBy).as('submitted_by'),
            ]),
        )
        .onConflict((oc) => oc.column('client_id').doNothing())
        .returning(['id', 'client_id']),
    );
    return new Map(inserted.map((r) => [r.client_id, r.id]));
  }

  async lockedEntry(manager: EntityManager, id: string): Promise<AssistEntry | null> {
    return manager.getRepository(AssistEntry).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async entriesByIds(ids: readonly string[]): Promise<AssistEntry[]> {
    const rows = await all(this.dataSource, db.selectFrom('assist_entry as e').selectAll('e').where('e.id', '=', anyOf(ids, 'uuid')));
    return rows.map((r) => hydrate(this.dataSource, AssistEntry, r));
  }

  /** The entries among `ids` that lie in `access` (the others are left out, whether or not they exist). */
  async entriesInScope(access: DataScope, ids: readonly string[]): Promise<AssistEntry[]> {
    const rows = await all(this.dataSource, inScope(db.selectFrom('assist_entry as e').select('e.id').where('e.id', '=', anyOf(ids, 'uuid')), access));
    return rows.length ? this.entriesByIds(rows.map((r) => r.id)) : [];
  }

  async householdsByIds(ids: readonly string[]): Promise<Household[]> {
    const rows = await all(this.dataSource, db.selectFrom('household as h').selectAll('h').where('h.id', '=', anyOf(ids, 'uuid')));
    return rows.map((r) => hydrate(this.dataSource, Household, r));
  }

  /** Sets or clears verification on the valid entries among `ids` that lie in `access`; returns the entries changed. */
  setVerified(
    manager: EntityManager,
    access: DataScope,
    ids: string[],
    verifiedBy: string | null,
    verified: boolean,
  ): Promise<{ id: string; household_id: string; unit_id: string; group_id: string }[]> {
    let query = db
      .updateTable('assist_entry as e')
      .set(verified ? { verified_at: sql<Date>`now()`, verified_by: verifiedBy } : { verified_at: null, verified_by: null })
      .set({ updated_at: sql<Date>`now()` })
      .where('e.id', '=', anyOf(ids, 'uuid'))
      .where('e.status', '=', 'valid')
      .where('e.verified_at', verified ? 'is' : 'is not', null)
      .returning(['e.id', 'e.household_id', 'e.unit_id', 'e.group_id']);
    const scoped = scopeFilter(access, { unit: 'e.unit_id', group: 'e.group_id' });
    if (scoped) query = query.where(scoped);
    return all(manager, query);
  }

  list(query: EntryQuery, page: PageRequest): Promise<Page<AssistEntry>> {
    let rows = inScope(db.selectFrom('assist_entry as e').selectAll('e'), query.access);
    const inUnit = unitFilter(query.unit, 'e.unit_id');
    if (inUnit) rows = rows.where(inUnit);
    if (query.groupId) rows = rows.where('e.group_id', '=', query.groupId);
    if (query.householdId) rows = rows.where('e.household_id', '=', query.householdId);
    if (query.from) rows = rows.where('e.occurred_on', '>=', query.from);
    if (query.to) rows = rows.where('e.occurred_on', '<=', query.to);
    const service =
      query.service && query.outcome
        ? { service: query.service, outcome: query.outcome }
        : query.service
          ? { service: query.service }
          : query.outcome
            ? { outcome: query.outcome }
            : null;
    if (service) rows = rows.where(sql<SqlBool>`${sql.ref('e.services')} @> ${JSON.stringify([service])}::jsonb`);
    if (query.status) rows = rows.where('e.status', '=', query.status);
    if (query.verified !== undefined) rows = rows.where('e.verified_at', query.verified ? 'is not' : 'is', null);
    const key = sql<string>`to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    return keysetPageOf(this.dataSource, rows, { key, id: 'e.id', descending: true }, page, (r) => hydrate(this.dataSource, AssistEntry, r));
  }

  /** The client ids among `clientIds` that are stored in entries inside `access`. */
  async storedClientIds(access: DataScope, clientIds: string[]): Promise<string[]> {
    const rows = await all(
      this.dataSource,
      inScope(db.selectFrom('assist_entry as e').select('e.client_id').where('e.client_id', '=', anyOf(clientIds, 'text')), access).orderBy('e.client_id'),
    );
    return rows.map((r) => r.client_id);
  }
}

/** Keeps the entries (aliased e) that lie in `access`. */
function inScope<O>(query: SelectQueryBuilder<AssistsTables & { e: AssistsTables['assist_entry'] }, 'e', O>, access: DataScope) {
  const scoped = scopeFilter(access, { unit: 'e.unit_id', group: 'e.group_id' });
  return scoped ? query.where(scoped) : query;
}
