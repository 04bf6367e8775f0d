import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RawBuilder, sql, SqlBool } from 'kysely';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { departmentGrantsForRollups, wardOfficerGrantsForRollups } from '@cdtg/accounts';
import { assistEntriesForRollups, lockHouseholdsForRollups, ServiceOutcome } from '@cdtg/assists';
import { affected, all, anyOf, compile, Executor, first } from '@cdtg/database';
import { adminUnitsForRollups, geographyVersionForRollups, validOn } from '@cdtg/geography';
import { changeEventsForRollups } from '@cdtg/queue';
import { CellKey } from './cell-deltas';
import { db, RollupsTables } from './db';
import { ActivityState, EntryFact, EntryState, SessionFact, sessionFactOf, VolunteerFact } from './facts';
import { add, Basis, countsIn, followsBasis, MEASURES, MEASURE_SOURCES, measuresSql, SESSION_RECORDS, SOURCES, Vector, zero } from './measures';
import { StoredGrain } from './periods';
import { StoredTarget, TargetGrain } from './targets';

/** The targets an answer needs: of these units, for the periods of this grain starting on these days. */
export interface TargetQuestion {
  unitIds: string[];
  grain: TargetGrain;
  starts: string[];
}

/** Shared by every projector, taken exclusively by a full rebuild: a rebuild sees no projection half-applied. */
export const ROLLUP_LOCK = 7_214_002;

/** SQL text of the measure registry (measures.ts: generated from the declarations, never from input), in a statement. */
export const registrySql = (text: string) => sql.raw(text);

/** The bucket of grain `grain` holding the day `day` (a date expression). */
export function bucketOf(grain: StoredGrain | 'D', day: RawBuilder<unknown>): RawBuilder<string> {
  switch (grain) {
    case 'D':
      return sql<string>`${day}`;
    case 'W':
      return sql<string>`date_trunc('week', ${day})::date`;
    case 'M':
      return sql<string>`date_trunc('month', ${day})::date`;
    case 'Q':
      return sql<string>`date_trunc('quarter', ${day})::date`;
    case 'Y':
      return sql<string>`date_trunc('year', ${day})::date`;
    case 'A':
      return sql<string>`'1900-01-01'::date`;
  }
}

export interface MappedGeography {
  day: string;
  signature: string;
  stale: boolean;
}

export interface FactSums {
  /** source unit → bucket → vector */
  [sourceId: string]: Map<string, Vector>;
}

const toVector = (row: Record<string, unknown>): Vector => MEASURES.map((m) => Number(row[m] ?? 0));

/**
 * Every measure of a row as one comma-separated text, from the SQL expression of each (`expression`): the driver
 * makes a string and a property of every field, and for a few hundred rows of some thirty measures that cost more than the
 * statement. `unpack` reads it back.
 */
const packed = (expression: (measure: string) => RawBuilder<unknown>) =>
  sql<string>`concat_ws(',', ${sql.join(MEASURES.map((m) => sql`coalesce(${expression(m)}, 0)`))})`;
const unpack = (text: string): Vector => text.split(',').map(Number);

/** SQL types of the key columns of cell tables (fixed names, never input). */
type KeyType = 'uuid' | 'char(1)' | 'date' | 'smallint' | 'boolean';

/** `= ANY` of a list of ids, as one parameter. */

/**
 * The connection of one coverage answer, in one `REPEATABLE READ READ ONLY` transaction: every read of the answer (its
 * cells, facts, mapped geography, `asOf` and the tree's version) runs on it and sees the snapshot taken by its first
 * statement, so a projection committing meanwhile is in all of them or in none. Made by `RollupRepository.snapshot`,
 * closed when the answer is made: a read after that is refused, never sent on a connection back in the pool.
 */
export class Snapshot {
  private open = true;
  /** The statement running: reads asked for together run one after another (a connection runs one at a time). */
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly client: PoolClient) {}

  /** A statement on the snapshot's connection; `name` makes it a named prepared statement (planned once per connection). */
  query(text: string, values: unknown[] = [], options: { name?: string; rowMode?: 'array' } = {}): Promise<unknown[]> {
    const { name, rowMode } = options;
    const run = async () => {
      if (!this.open) throw new Error('This coverage snapshot is closed: its answer is made');
      return (await this.client.query({ text, values, ...(name ? { name } : {}), ...(rowMode ? { rowMode } : {}) })).rows as unknown[];
    };
    const result = this.last.then(run, run);
    this.last = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every statement asked for so far has ended. */
  settled(): Promise<unknown> {
    return this.last;
  }

  close(): void {
    this.open = false;
  }
}

/**
 * Every SQL statement of the rollups' projection and answers: facts, cells, and reading them back. Row-level reads and
 * writes are typed builder queries; the statements generated from the measure registry (a column per measure, packed
 * vectors) are `sql` templates over the rollups' own tables. Other libs' rows come through their ports (`…ForRollups`).
 */
@Injectable()
export class RollupRepository {
  /** Names of the prepared statements, by their text (the texts are few: one per shape of question). */
  private readonly statementNames = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {}

  // ---------------------------------------------------------------------------------------------------------------
  // Projection

  /** Shares the rollup lock to the end of the transaction (a rebuild takes it exclusively). */
  async shareRollupLock(manager: EntityManager): Promise<void> {
    await all(manager, sql`SELECT pg_advisory_xact_lock_shared(${ROLLUP_LOCK})`);
  }

  /** Locks households (in id order) so that one projector at a time recounts each. */
  async lockHouseholds(manager: EntityManager, ids: string[]): Promise<void> {
    await lockHouseholdsForRollups(manager, ids);
  }

  /** Advisory locks on keys (members, sessions), in order, held to the end of the transaction. */
  async lockKeys(manager: EntityManager, kind: string, ids: string[]): Promise<void> {
    const keys = [...ids].sort().map((id) => `${kind}:${id}`);
    if (keys.length) await all(manager, sql`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${keys}::text[]) AS k ORDER BY k`);
  }

  async entriesOfHouseholds(manager: EntityManager, ids: string[]): Promise<EntryState[]> {
    const rows = await all(
      manager,
      db
        .selectFrom(assistEntriesForRollups().as('e'))
        .select((eb) => [
          'e.id',
          'e.household_id',
          'e.unit_id',
          sql<string>`${eb.ref('e.occurred_on')}::text`.as('day'),
          'e.occurred_at',
          sql<boolean>`${eb.ref('e.status')} = 'valid'`.as('valid'),
          sql<boolean>`${eb.ref('e.verified_at')} IS NOT NULL`.as('verified'),
          sql<ServiceOutcome[]>`${eb.ref('e.services')}`.as('services'),
        ])
        .where('e.household_id', '=', anyOf(ids, 'uuid')),
    );
    return rows.map((r) => ({
      id: r.id,
      householdId: r.household_id,
      unitId: r.unit_id,
      day: r.day,
      at: new Date(r.occurred_at).getTime(),
      valid: r.valid,
      verified: r.verified,
      services: r.services,
    }));
  }

  /** Stored facts of these households, and of these entries wherever they were counted before. */
  async entryFacts(manager: EntityManager, householdIds: string[], entryIds: string[]): Promise<EntryFact[]> {
    const rows = await all(
      manager,
      db
        .selectFrom('rollup_entry_fact')
        .select((eb) => [
          'entry_id',
          'household_id',
          'unit_id',
          sql<string>`${eb.ref('day')}::text`.as('day'),
          'a_flags',
          'v_flags',
          'done_bits',
          'follow_up_bits',
          'a_net',
          'v_net',
        ])
        .where((eb) => eb.or([eb('household_id', '=', anyOf(householdIds, 'uuid')), eb('entry_id', '=', anyOf(entryIds, 'uuid'))])),
    );
    return rows.map((r) => ({
      entryId: r.entry_id,
      householdId: r.household_id,
      unitId: r.unit_id,
      day: r.day,
      aFlags: r.a_flags,
      vFlags: r.v_flags,
      doneBits: r.done_bits,
      followUpBits: r.follow_up_bits,
      aNet: r.a_net,
      vNet: r.v_net,
    }));
  }

  async writeEntryFacts(manager: EntityManager, upsert: EntryFact[], remove: string[]): Promise<void> {
    if (remove.length) await affected(manager, db.deleteFrom('rollup_entry_fact').where('entry_id', '=', anyOf(remove, 'uuid')));
    if (!upsert.length) return;
    // One JSON parameter for the whole batch (a batch can hold more rows than a statement takes parameters).
    const x = sql<EntryFact>`jsonb_to_recordset(${JSON.stringify(upsert)}::jsonb)`.as<'x'>(
      sql`x("entryId" uuid, "householdId" uuid, "unitId" uuid, day date, "aFlags" smallint, "vFlags" smallint, "doneBits" smallint, "followUpBits" smallint, "aNet" smallint, "vNet" smallint)`,
    );
    await affected(
      manager,
      db
        .insertInto('rollup_entry_fact')
        .columns(['entry_id', 'household_id', 'unit_id', 'day', 'a_flags', 'v_flags', 'done_bits', 'follow_up_bits', 'a_net', 'v_net'])
        .expression(
          db
            .selectFrom(x)
            .select(['x.entryId', 'x.householdId', 'x.unitId', 'x.day', 'x.aFlags', 'x.vFlags', 'x.doneBits', 'x.followUpBits', 'x.aNet', 'x.vNet']),
        )
        .onConflict((oc) =>
          oc.column('entry_id').doUpdateSet((eb) => ({
            household_id: eb.ref('excluded.household_id'),
            unit_id: eb.ref('excluded.unit_id'),
            day: eb.ref('excluded.day'),
            a_flags: eb.ref('excluded.a_flags'),
            v_flags: eb.ref('excluded.v_flags'),
            done_bits: eb.ref('excluded.done_bits'),
            follow_up_bits: eb.ref('excluded.follow_up_bits'),
            a_net: eb.ref('excluded.a_net'),
            v_net: eb.ref('excluded.v_net'),
          })),
        ),
    );
  }

  /**
   * The first activity of each day of these members among the valid entries they helped with (sessions join when they
   * are held): a member's volunteer facts need only that, and a busy volunteer has thousands of entries.
   */
  async activitiesOfMembers(manager: EntityManager, ids: string[]): Promise<ActivityState[]> {
    const rows = await all(
      manager,
      db
        .selectFrom(assistEntriesForRollups().as('e'))
        .crossJoinLateral((eb) => sql<{ member_id: string }>`unnest(${eb.ref('e.volunteer_ids')})`.as<'v'>(sql`v(member_id)`))
        .distinctOn(['v.member_id', 'e.occurred_on'])
        .select((eb) => ['v.member_id', 'e.id as source_id', 'e.unit_id', sql<string>`${eb.ref('e.occurred_on')}::text`.as('day'), 'e.occurred_at as at'])
        .where((eb) => sql<SqlBool>`${eb.ref('e.volunteer_ids')} && ${ids}::uuid[]`)
        .where('e.status', '=', 'valid')
        .where('v.member_id', '=', anyOf(ids, 'uuid'))
        .orderBy('v.member_id')
        .orderBy('e.occurred_on')
        .orderBy('e.occurred_at')
        .orderBy('e.id'),
    );
    return rows.map((r) => ({ memberId: r.member_id, sourceId: r.source_id, unitId: r.unit_id, day: r.day, at: new Date(r.at).getTime() }));
  }

  async volunteerFacts(manager: EntityManager, memberIds: string[]): Promise<VolunteerFact[]> {
    const rows = await all(
      manager,
      db
        .selectFrom('rollup_volunteer_fact')
        .select((eb) => ['member_id', sql<string>`${eb.ref('day')}::text`.as('day'), 'unit_id', 'flags'])
        .where('member_id', '=', anyOf(memberIds, 'uuid')),
    );
    return rows.map((r) => ({ memberId: r.member_id, day: r.day, unitId: r.unit_id, flags: r.flags }));
  }

  async writeVolunteerFacts(manager: EntityManager, upsert: VolunteerFact[], remove: { memberId: string; day: string }[]): Promise<void> {
    if (remove.length) {
      const x = sql<{ memberId: string; day: string }>`jsonb_to_recordset(${JSON.stringify(remove)}::jsonb)`.as<'x'>(sql`x("memberId" uuid, day date)`);
      await affected(manager, db.deleteFrom('rollup_volunteer_fact as f').using(x).whereRef('f.member_id', '=', 'x.memberId').whereRef('f.day', '=', 'x.day'));
    }
    if (!upsert.length) return;
    const x = sql<VolunteerFact>`jsonb_to_recordset(${JSON.stringify(upsert)}::jsonb)`.as<'x'>(
      sql`x("memberId" uuid, day date, "unitId" uuid, flags smallint)`,
    );
    await affected(
      manager,
      db
        .insertInto('rollup_volunteer_fact')
        .columns(['member_id', 'day', 'unit_id', 'flags'])
        .expression(db.selectFrom(x).select(['x.memberId', 'x.day', 'x.unitId', 'x.flags']))
        .onConflict((oc) => oc.columns(['member_id', 'day']).doUpdateSet((eb) => ({ unit_id: eb.ref('excluded.unit_id'), flags: eb.ref('excluded.flags') }))),
    );
  }

  async sessionFacts(manager: EntityManager, ids: string[]): Promise<SessionFact[]> {
    const rows = await all(
      manager,
      db
        .selectFrom('rollup_session_fact')
        .select((eb) => [
          'session_id',
          'unit_id',
          sql<string>`${eb.ref('day')}::text`.as('day'),
          // The recorded measures, a column each (the registry's list).
          ...SESSION_RECORDS.map((r) => sql<number>`${sql.ref(r.column)}`.as(r.column)),
        ])
        .where('session_id', '=', anyOf(ids, 'uuid')),
    );
    return rows.map(sessionFactOf);
  }

  async writeSessionFacts(manager: EntityManager, upsert: SessionFact[], remove: string[]): Promise<void> {
    if (remove.length) await affected(manager, db.deleteFrom('rollup_session_fact').where('session_id', '=', anyOf(remove, 'uuid')));
    if (!upsert.length) return;
    // The recorded columns come from the measure registry.
    const columns = SESSION_RECORDS.map((r) => sql.ref(r.column));
    const list = (f: (c: RawBuilder<unknown>) => RawBuilder<unknown>) => sql.join(columns.map(f));
    await affected(
      manager,
      sql`INSERT INTO rollup_session_fact (session_id, unit_id, day, ${sql.join(columns)})
       SELECT x."sessionId", x."unitId", x.day, ${list((c) => sql`x.${c}`)}
         FROM jsonb_to_recordset(${JSON.stringify(upsert.map(({ records, ...key }) => ({ ...key, ...records })))}::jsonb)
           AS x("sessionId" uuid, "unitId" uuid, day date, ${list((c) => sql`${c} int`)})
       ON CONFLICT (session_id) DO UPDATE SET unit_id = EXCLUDED.unit_id, day = EXCLUDED.day, ${list((c) => sql`${c} = EXCLUDED.${c}`)}`,
    );
  }

  /** Adds the changes to the cells, or the mapped cells (in key order), and drops cells left at zero. */
  async applyCellChanges(manager: EntityManager, table: 'rollup_cell' | 'rollup_mapped_cell', changes: { key: CellKey; vector: Vector }[]): Promise<void> {
    const mapped = table === 'rollup_mapped_cell';
    const keys = [['unit_id', 'uuid'], ['grain', 'char(1)'], ['bucket', 'date'], ['basis', 'smallint'], ...(mapped ? [['split', 'boolean']] : [])] as [
      string,
      KeyType,
    ][];
    const rows = changes.map(({ key, vector }) => ({ key: [key.unitId, key.grain, key.bucket, key.basis, ...(mapped ? [key.split ?? false] : [])], vector }));
    await this.addToRows(manager, table, keys, mapped ? 'numeric' : 'int', rows);
  }

  /** Adds the changes to the tree cells (in key order), and drops rows left at zero. */
  async applyTreeCellChanges(
    manager: EntityManager,
    changes: { parentId: string; unitId: string; basis: Basis; split: boolean; vector: Vector }[],
  ): Promise<void> {
    const keys: [string, KeyType][] = [
      ['parent_id', 'uuid'],
      ['basis', 'smallint'],
      ['unit_id', 'uuid'],
      ['split', 'boolean'],
    ];
    await this.addToRows(
      manager,
      'rollup_tree_cell',
      keys,
      'numeric',
      changes.map((c) => ({ key: [c.parentId, c.basis, c.unitId, c.split], vector: c.vector })),
    );
  }

  /**
   * Adds vectors to the rows of a pre-aggregated table by key (`keys`: its key columns and their types, in order),
   * inserting rows that are missing; rows are locked in key order, so concurrent projectors never deadlock. Rows
   * left at zero are dropped (only nonzero rows exist).
   */
  private async addToRows(
    manager: EntityManager,
    table: 'rollup_cell' | 'rollup_mapped_cell' | 'rollup_tree_cell',
    keys: [string, KeyType][],
    type: 'int' | 'numeric',
    rows: { key: unknown[]; vector: Vector }[],
  ): Promise<void> {
    if (!rows.length) return;
    const into = sql.table(table);
    const columns = sql.join(keys.map(([column]) => sql.ref(column)));
    const fields = keys.map((_, i) => sql.ref(`x.k${i}`));
    const measures = MEASURES.map((m) => sql.ref(m));
    const recordset = (withMeasures: boolean) =>
      sql`jsonb_to_recordset(${JSON.stringify(
        rows.map((r) => ({ ...Object.fromEntries(r.key.map((k, i) => [`k${i}`, k])), ...(withMeasures ? { m: r.vector } : {}) })),
      )}::jsonb) AS x(${sql.join(keys.map(([, t], i) => sql`${sql.ref(`k${i}`)} ${sql.raw(t)}`))}${sql.raw(withMeasures ? ', m jsonb' : '')})`;
    await affected(
      manager,
      sql`INSERT INTO ${into} (${columns}, ${sql.join(measures)})
       SELECT ${sql.join(fields)}, ${sql.join(MEASURES.map((_, i) => sql`(x.m->>${sql.lit(i)})::${sql.raw(type)}`))}
         FROM ${recordset(true)} ORDER BY ${sql.join(fields)}
       ON CONFLICT (${columns}) DO UPDATE SET ${sql.join(measures.map((m) => sql`${m} = ${into}.${m} + EXCLUDED.${m}`))}`,
    );
    await affected(
      manager,
      sql`DELETE FROM ${into} c USING ${recordset(false)}
        WHERE ${sql.join(
          keys.map(([column], i) => sql`c.${sql.ref(column)} = ${fields[i]}`),
          sql` AND `,
        )} AND ${sql.join(
          measures.map((m) => sql`c.${m} = 0`),
          sql` AND `,
        )}`,
    );
  }

  /** The geography of the mapped cells (null before the first rebuild). */
  async geography(on: Executor = this.dataSource): Promise<MappedGeography | null> {
    const row = await first(
      on,
      db
        .selectFrom('rollup_geography')
        .select((eb) => [sql<string>`${eb.ref('day')}::text`.as('day'), 'signature', 'stale'])
        .where('id', '=', 1),
    );
    return row ?? null;
  }

  /** The version of the administrative tree (bumped by triggers on every change of units, links or household counts). */
  async geographyVersion(manager: EntityManager): Promise<string> {
    const row = await first(manager, geographyVersionForRollups());
    return row!.version;
  }

  async markGeographyStale(manager: EntityManager): Promise<void> {
    await affected(manager, db.updateTable('rollup_geography').set({ stale: true }).where('id', '=', 1).where('stale', '=', false));
  }

  /** Paths and kinds of units (to find the commune-or-higher ancestors that hold cells). */
  async unitPaths(manager: EntityManager, ids: string[]): Promise<{ id: string; path: string; kind: string }[]> {
    return all(manager, db.selectFrom(adminUnitsForRollups().as('u')).select(['u.id', 'u.path', 'u.kind']).where('u.id', '=', anyOf(ids, 'uuid')));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reading

  /**
   * Runs the reads of one answer in one snapshot: one connection, one `REPEATABLE READ READ ONLY` transaction (one
   * more round trip, BEGIN, than reads on any pooled connection; COMMIT is the other), held only while `read` runs.
   * `read` must use no other connection (the pool could be all held by answers waiting for one).
   */
  async snapshot<T>(read: (snapshot: Snapshot) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner('slave') as QueryRunner & { releasePostgresConnection?: (error?: Error) => Promise<void> };
    const client = (await runner.connect()) as PoolClient;
    const snapshot = new Snapshot(client);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const out = await read(snapshot);
      snapshot.close();
      await snapshot.settled();
      await client.query('COMMIT');
      return out;
    } catch (error) {
      // Reads asked for together with a failed one may still be running: let them end (they are refused from now on).
      snapshot.close();
      await snapshot.settled();
      // A connection that cannot end its transaction is not given back to the pool.
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    } finally {
      if (broken && runner.releasePostgresConnection) await runner.releasePostgresConnection(broken);
      else await runner.release();
    }
  }

  /** Cells of `grain` for the sources and buckets: source → bucket → vector. */
  async cells(snapshot: Snapshot, sourceIds: string[], grain: StoredGrain, buckets: string[], basis: Basis): Promise<Map<string, Map<string, Vector>>> {
    if (!sourceIds.length) return new Map();
    const rows = await all(
      snapshot,
      db
        .selectFrom('rollup_cell')
        .select((eb) => ['unit_id', sql<string>`${eb.ref('bucket')}::text`.as('bucket'), 'basis', ...MEASURES])
        .where('unit_id', '=', anyOf(sourceIds, 'uuid'))
        .where('grain', '=', grain)
        .where('bucket', '=', anyOf(buckets, 'date'))
        .where('basis', 'in', [0, basis]),
    );
    return this.mergeBases(rows, basis, (r) => r.bucket as string);
  }

  /** Cells of `grain` with a bucket after `after` and before `before` (exclusive): source → summed vector. */
  async cellsBetween(snapshot: Snapshot, sourceIds: string[], grain: StoredGrain, after: string, before: string, basis: Basis): Promise<Map<string, Vector>> {
    if (!sourceIds.length) return new Map();
    const rows = await all(
      snapshot,
      db
        .selectFrom('rollup_cell')
        .select((eb) => ['unit_id', sql<string>`''`.as('bucket'), 'basis', ...MEASURES.map((m) => sql<number>`sum(${eb.ref(m)})::int`.as(m))])
        .where('unit_id', '=', anyOf(sourceIds, 'uuid'))
        .where('grain', '=', grain)
        .where('bucket', '>', sql<string>`${after}::date`)
        .where('bucket', '<', sql<string>`${before}::date`)
        .where('basis', 'in', [0, basis])
        .groupBy(['unit_id', 'basis']),
    );
    const merged = this.mergeBases(rows, basis, () => '');
    return new Map([...merged].map(([id, byBucket]) => [id, byBucket.get('')!]));
  }

  /**
   * Cells plus mapped cells of the units, summed in one statement: per unit, the stock up to a day (`bucket` null: the
   * `added` parts minus the `subtracted` ones) and the flows of the `flows` buckets, in two rows where split units'
   * shares went in: `split` false for the whole figure less those shares, true for the shares (split mapped cells).
   * Each part is of a single grain, so each reads a range of the primary key. Null when the mapped cells are not those
   * of the geography with `signature`, or are stale: the caller then answers from the sources.
   */
  async cellsWithMapped(
    snapshot: Snapshot,
    unitIds: string[],
    basis: Basis,
    signature: string,
    parts: { added: RawBuilder<SqlBool>[]; subtracted: RawBuilder<SqlBool>[]; flows: RawBuilder<SqlBool> | null },
  ): Promise<{ unitId: string; bucket: string | null; split: boolean; vector: Vector }[] | null> {
    const conditions = [...parts.added, ...parts.subtracted, ...(parts.flows ? [parts.flows] : [])];
    const flowPart = parts.flows ? conditions.length - 1 : -1;
    // Measures as float8, negated in the subtracted parts: plain sums (numeric arithmetic cost more than the reads).
    // Mapped shares are stored exact to 6 decimals; the few rows of a figure summed in double precision differ from
    // the exact sum far below the three decimals an answer keeps.
    const columns = (part: number) => {
      const negated = part >= parts.added.length && part < parts.added.length + parts.subtracted.length;
      return sql.join(MEASURES.map((m) => sql`${sql.raw(negated ? '-' : '')}${sql.ref(m)}::float8 AS ${sql.ref(m)}`));
    };
    // The units and the bases are asked for once, on the union (PostgreSQL pushes them down into every part: each part
    // still reads a range of the primary key), so the list of units is sent once.
    const branches = conditions.flatMap((condition, part) => [
      sql`SELECT ${sql.lit(part)} AS part, unit_id, bucket, basis, false AS split, ${columns(part)} FROM rollup_cell WHERE ${condition}`,
      sql`SELECT ${sql.lit(part)}, unit_id, bucket, basis, split, ${columns(part)} FROM rollup_mapped_cell WHERE ${condition} AND EXISTS (SELECT 1 FROM g)`,
    ]);
    const rows = await this.prepared(
      snapshot,
      sql`WITH g AS (SELECT 1 FROM rollup_geography WHERE id = 1 AND NOT stale AND signature = ${signature}),
       x AS (${sql.join(branches, sql`\n         UNION ALL\n         `)})
       SELECT x.unit_id, CASE WHEN x.part = ${sql.lit(flowPart)} THEN x.bucket::text END AS bucket, x.split, ${packed((m) => this.basisSum(basis, m))}
         FROM x WHERE x.unit_id = ANY(${unitIds}::uuid[]) AND x.basis IN (0, ${basis}) GROUP BY 1, 2, 3
       UNION ALL
       SELECT NULL, 'geography', NULL, NULL WHERE EXISTS (SELECT 1 FROM g)`,
      'array',
    );
    if (!rows.some((r) => r[0] === null)) return null;
    return rows
      .filter((r) => r[0] !== null)
      .map((r) => ({ unitId: r[0] as string, bucket: r[1] as string | null, split: r[2] as boolean, vector: unpack(r[3] as string) }));
  }

  /**
   * Every measure of the units, all time, in the tree of the mapped geography (tree cells): per unit, a row with
   * `split` false for the figure less split units' shares and, where there are any, one with `split` true for those
   * shares. `parentIds` are the units' parents (the index range to read). Null when the tree cells are not those of
   * the geography with `signature`, or are stale.
   */
  async treeCells(
    snapshot: Snapshot,
    parentIds: string[],
    unitIds: string[],
    basis: Basis,
    signature: string,
  ): Promise<{ unitId: string; split: boolean; vector: Vector }[] | null> {
    // Every child of the parents (a commune's siblings are what is asked, nearly always): the others are left out here.
    const rows = await this.prepared(
      snapshot,
      sql`WITH g AS (SELECT 1 FROM rollup_geography WHERE id = 1 AND NOT stale AND signature = ${signature})
       SELECT unit_id, basis, split, ${packed((m) => sql.ref(m))} FROM rollup_tree_cell
        WHERE parent_id = ANY(${parentIds}::uuid[]) AND basis IN (0, ${basis}) AND EXISTS (SELECT 1 FROM g)
       UNION ALL
       SELECT NULL, NULL, NULL, NULL WHERE EXISTS (SELECT 1 FROM g)`,
      'array',
    );
    if (!rows.some((r) => r[0] === null)) return null;
    const wanted = new Set(unitIds);
    const out = new Map<string, { unitId: string; split: boolean; vector: Vector }>();
    for (const [unitId, rowBasis, split, measures] of rows as [string, number, boolean, string][]) {
      if (!wanted.has(unitId)) continue;
      const key = `${unitId}|${split}`;
      let unit = out.get(key);
      if (!unit) out.set(key, (unit = { unitId, split, vector: zero() }));
      unpack(measures).forEach((value, i) => {
        if (countsIn(MEASURES[i], rowBasis, basis)) unit.vector[i] += value;
      });
    }
    return [...out.values()];
  }

  /**
   * Facts summed per source and bucket of `grain` over [from, to], over each source's own subtree given as unit ids
   * (a residential group: itself). Used for days, for residential groups, and for the part of a month not covered by
   * cells. The subtrees come from the in-memory tree: joined by path range in SQL, the planner guessed thousands of
   * units per range (a residential group has one) and scanned every fact.
   */
  async facts(
    snapshot: Snapshot,
    subtrees: ReadonlyMap<string, readonly string[]>,
    grain: StoredGrain | 'D',
    from: string,
    to: string,
    basis: Basis,
  ): Promise<Map<string, Map<string, Vector>>> {
    if (!subtrees.size || from > to) return new Map();
    const pairs = [...subtrees].flatMap(([sourceId, unitIds]) => unitIds.map((unitId) => [sourceId, unitId] as const));
    // Per unit, its facts summed per bucket in a subquery (LATERAL with GROUP BY: an index range per unit, never a
    // scan of every fact, whatever the planner guesses for the unit list); the three fact tables in one statement.
    const select = (measures: Record<string, string>, table: keyof RollupsTables) =>
      sql`SELECT src.source_id, x.* FROM src CROSS JOIN LATERAL (
         SELECT ${bucketOf(grain, sql`f.day`)}::text AS bucket, ${packed((m) => (measures[m] ? registrySql(measures[m]) : sql`0`))} AS measures
           FROM ${sql.table(table)} f WHERE f.unit_id = src.unit_id AND f.day BETWEEN ${from}::date AND ${to}::date GROUP BY 1) x`;
    const rows = await this.prepared(
      snapshot,
      sql`WITH src AS MATERIALIZED (SELECT * FROM unnest(${pairs.map((p) => p[0])}::uuid[], ${pairs.map((p) => p[1])}::uuid[]) AS s(source_id, unit_id))
       ${sql.join(
         MEASURE_SOURCES.map((source) => select(measuresSql(source, grain, basis), SOURCES[source].table)),
         sql`\n       UNION ALL\n       `,
       )}`,
      'array',
    );
    const out = new Map<string, Map<string, Vector>>();
    for (const [sourceId, bucket, measures] of rows as [string, string, string][]) {
      const byBucket = out.get(sourceId) ?? new Map<string, Vector>();
      out.set(sourceId, byBucket);
      const v = byBucket.get(bucket) ?? zero();
      add(v, unpack(measures));
      byBucket.set(bucket, v);
    }
    return out;
  }

  /** Active department accounts and the units of their grants (in force on `day`), for the weekly digest. */
  async digestRecipients(
    day: string,
  ): Promise<{ userId: string; email: string; displayName: string; language: string; unitId: string; unitCode: string; unitPath: string }[]> {
    return all(
      this.dataSource,
      db
        .selectFrom(departmentGrantsForRollups().as('g'))
        .innerJoin(adminUnitsForRollups().as('a'), (join) => join.onRef('a.id', '=', 'g.unit_id').on(validOn('a', day)))
        .select(['g.user_id as userId', 'g.email', 'g.display_name as displayName', 'g.language', 'a.id as unitId', 'a.code as unitCode', 'a.path as unitPath'])
        .orderBy('g.email')
        .orderBy('a.code'),
    );
  }

  /** The active ward officers with a grant on one of these units (who get a unit's "behind plan" notice). */
  async officersOf(unitIds: string[]): Promise<{ userId: string; email: string; displayName: string; language: string; unitId: string | null }[]> {
    if (!unitIds.length) return [];
    return all(
      this.dataSource,
      db
        .selectFrom(wardOfficerGrantsForRollups().as('g'))
        .select(['g.user_id as userId', 'g.email', 'g.display_name as displayName', 'g.language', 'g.unit_id as unitId'])
        .where('g.unit_id', '=', anyOf(unitIds, 'uuid'))
        .orderBy('g.email'),
    );
  }

  /**
   * How fresh the rollups are: the last change event whose every predecessor has been applied, and the backlog; and
   * the version of the administrative tree (the tree in memory must be that one). In the answer's snapshot: the events
   * it names are exactly those whose projections the figures read in it contain.
   */
  async freshness(
    snapshot: Snapshot,
    targets?: TargetQuestion,
  ): Promise<{ eventId: string | null; at: Date | null; pending: number; oldestPendingAt: Date | null; treeVersion: string; targets: StoredTarget[] }> {
    // The targets of the answer ride on this statement (a scalar subquery): no round trip more, the same snapshot.
    const targetsColumn = targets
      ? sql`, (SELECT coalesce(json_agg(json_build_array(t.unit_id, t.measure, t.period_start, t.value)), '[]')
                 FROM coverage_target t WHERE t.grain = ${targets.grain} AND t.period_start = ANY(${targets.starts}::date[]) AND t.unit_id = ANY(${targets.unitIds}::uuid[])) AS targets`
      : sql``;
    const [row] = await this.prepared(
      snapshot,
      sql<{
        event_id: string | null;
        at: Date | null;
        pending: number;
        oldest: Date | null;
        tree_version: string;
        targets?: [string, string, string, number][];
      }>`
       WITH pending AS (SELECT min(e.id) AS first, count(*)::int AS n, min(e.created_at) AS oldest FROM ${changeEventsForRollups()} AS e WHERE e.processed_at IS NULL)
       SELECT last.id::text AS event_id, last.created_at AS at, pending.n AS pending, pending.oldest, ${geographyVersionForRollups()} AS tree_version${targetsColumn}
         FROM pending LEFT JOIN LATERAL (
           SELECT e.id, e.created_at FROM ${changeEventsForRollups()} AS e WHERE pending.first IS NULL OR e.id < pending.first ORDER BY e.id DESC LIMIT 1
         ) last ON true`,
    );
    return {
      eventId: row.event_id,
      at: row.at,
      pending: row.pending,
      oldestPendingAt: row.oldest,
      treeVersion: row.tree_version,
      targets: (row.targets ?? []).map(([unitId, measure, periodStart, value]) => ({ unitId, measure, periodStart, value: Number(value) })),
    };
  }

  /**
   * A read as a named prepared statement (named by a digest of its text) on the answer's connection: each connection
   * plans it once, where an unnamed statement is planned on every call (a named statement outlives the transaction it
   * was prepared in). The wide statements of coverage answers take longer to plan than to run.
   */
  private async prepared<O>(snapshot: Snapshot, query: RawBuilder<O>): Promise<O[]>;
  private async prepared(snapshot: Snapshot, query: RawBuilder<unknown>, rowMode: 'array'): Promise<unknown[][]>;
  private async prepared(snapshot: Snapshot, query: RawBuilder<unknown>, rowMode?: 'array'): Promise<unknown[]> {
    const { sql: text, parameters } = compile(query);
    let name = this.statementNames.get(text);
    if (!name) {
      name = `cdtg_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      this.statementNames.set(text, name);
    }
    return snapshot.query(text, [...parameters], { name, rowMode });
  }

  /** The sum of a measure over rows `x` of both bases: an entry measure from the asked basis, the others from basis 0. */
  private basisSum(basis: Basis, measure: string): RawBuilder<unknown> {
    const column = sql.ref(`x.${measure}`);
    // The basis is in the statement's text (its text differs by basis anyway): one prepared statement per basis.
    return basis === Basis.All ? sql`sum(${column})` : sql`sum(CASE WHEN x.basis = ${sql.lit(followsBasis(measure) ? basis : 0)} THEN ${column} END)`;
  }

  /** Entry measures come from the asked basis, sessions and volunteers from basis 0 (they have no verification). */
  private mergeBases(rows: Record<string, unknown>[], basis: Basis, bucketOf: (r: Record<string, unknown>) => string): Map<string, Map<string, Vector>> {
    const out = new Map<string, Map<string, Vector>>();
    for (const row of rows) {
      const byBucket = out.get(row.unit_id as string) ?? new Map<string, Vector>();
      out.set(row.unit_id as string, byBucket);
      const v = byBucket.get(bucketOf(row)) ?? MEASURES.map(() => 0);
      const vector = toVector(row);
      MEASURES.forEach((m, i) => {
        if (countsIn(m, Number(row.basis), basis)) v[i] += vector[i];
      });
      byBucket.set(bucketOf(row), v);
    }
    return out;
  }
}
