import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ServiceOutcome } from '@cdtg/assists';
import { CellKey } from './cell-deltas';
import { ActivityState, EntryFact, EntryState, SessionFact, sessionFactOf, VolunteerFact } from './facts';
import { add, Basis, countsIn, followsBasis, MEASURES, MEASURE_SOURCES, measuresSql, SESSION_RECORDS, SOURCES, Vector, zero } from './measures';
import { StoredGrain } from './periods';

const q = (name: string) => `"${name}"`;

/** A SQL expression for the bucket of grain `grain` holding day column `day`. */
export function bucketSql(grain: StoredGrain | 'D', day: string): string {
  switch (grain) {
    case 'D':
      return day;
    case 'W':
      return `date_trunc('week', ${day})::date`;
    case 'M':
      return `date_trunc('month', ${day})::date`;
    case 'Q':
      return `date_trunc('quarter', ${day})::date`;
    case 'Y':
      return `date_trunc('year', ${day})::date`;
    case 'A':
      return `'1900-01-01'::date`;
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
const packed = (expression: (measure: string) => string) => `concat_ws(',', ${MEASURES.map((m) => `coalesce(${expression(m)}, 0)`).join(', ')})`;
const unpack = (text: string): Vector => text.split(',').map(Number);

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

/** Every SQL statement of the rollups: facts, cells, and reading them back. */
@Injectable()
export class RollupRepository {
  /** Names of the prepared statements, by their text (the texts are few: one per shape of question). */
  private readonly statementNames = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {}

  // ---------------------------------------------------------------------------------------------------------------
  // Projection

  /** Locks households (in id order) so that one projector at a time recounts each. */
  async lockHouseholds(manager: EntityManager, ids: string[]): Promise<void> {
    // FOR NO KEY UPDATE, not FOR UPDATE: projections of one household still run one at a time, but an API transaction
    // inserting entries (whose foreign key takes FOR KEY SHARE on the household, in batch order) is not blocked, so
    // the two never deadlock (found by the fault tests under concurrent batches).
    await manager.query(`SELECT id FROM household WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, [ids]);
  }

  /** Advisory locks on keys (members, sessions), in order, held to the end of the transaction. */
  async lockKeys(manager: EntityManager, kind: string, ids: string[]): Promise<void> {
    const keys = [...ids].sort().map((id) => `${kind}:${id}`);
    if (keys.length) await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k ORDER BY k`, [keys]);
  }

  async entriesOfHouseholds(manager: EntityManager, ids: string[]): Promise<EntryState[]> {
    const rows = (await manager.query(
      `SELECT id, household_id, unit_id, occurred_on::text AS day, occurred_at, status = 'valid' AS valid, verified_at IS NOT NULL AS verified, services
         FROM assist_entry WHERE household_id = ANY($1::uuid[])`,
      [ids],
    )) as {
      id: string;
      household_id: string;
      unit_id: string;
      day: string;
      occurred_at: Date;
      valid: boolean;
      verified: boolean;
      services: ServiceOutcome[];
    }[];
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
    const rows = (await manager.query(
      `SELECT entry_id, household_id, unit_id, day::text AS day, a_flags, v_flags, done_bits, follow_up_bits, a_net, v_net
         FROM rollup_entry_fact WHERE household_id = ANY($1::uuid[]) OR entry_id = ANY($2::uuid[])`,
      [householdIds, entryIds],
    )) as Record<string, unknown>[];
    return rows.map((r) => ({
      entryId: r.entry_id as string,
      householdId: r.household_id as string,
      unitId: r.unit_id as string,
      day: r.day as string,
      aFlags: r.a_flags as number,
      vFlags: r.v_flags as number,
      doneBits: r.done_bits as number,
      followUpBits: r.follow_up_bits as number,
      aNet: r.a_net as number,
      vNet: r.v_net as number,
    }));
  }

  async writeEntryFacts(manager: EntityManager, upsert: EntryFact[], remove: string[]): Promise<void> {
    if (remove.length) await manager.query(`DELETE FROM rollup_entry_fact WHERE entry_id = ANY($1::uuid[])`, [remove]);
    if (!upsert.length) return;
    await manager.query(
      `INSERT INTO rollup_entry_fact (entry_id, household_id, unit_id, day, a_flags, v_flags, done_bits, follow_up_bits, a_net, v_net)
       SELECT x."entryId", x."householdId", x."unitId", x.day, x."aFlags", x."vFlags", x."doneBits", x."followUpBits", x."aNet", x."vNet"
         FROM jsonb_to_recordset($1::jsonb) AS x("entryId" uuid, "householdId" uuid, "unitId" uuid, day date, "aFlags" smallint, "vFlags" smallint,
                                                 "doneBits" smallint, "followUpBits" smallint, "aNet" smallint, "vNet" smallint)
       ON CONFLICT (entry_id) DO UPDATE SET household_id = EXCLUDED.household_id, unit_id = EXCLUDED.unit_id, day = EXCLUDED.day, a_flags = EXCLUDED.a_flags,
         v_flags = EXCLUDED.v_flags, done_bits = EXCLUDED.done_bits, follow_up_bits = EXCLUDED.follow_up_bits, a_net = EXCLUDED.a_net, v_net = EXCLUDED.v_net`,
      [JSON.stringify(upsert)],
    );
  }

  /**
   * The first activity of each day of these members among the valid entries they helped with (sessions join when they
   * are held): a member's volunteer facts need only that, and a busy volunteer has thousands of entries.
   */
  async activitiesOfMembers(manager: EntityManager, ids: string[]): Promise<ActivityState[]> {
    const rows = (await manager.query(
      `SELECT DISTINCT ON (v.member_id, e.occurred_on) v.member_id, e.id AS source_id, e.unit_id, e.occurred_on::text AS day, e.occurred_at AS at
         FROM assist_entry e CROSS JOIN LATERAL unnest(e.volunteer_ids) AS v(member_id)
        WHERE e.volunteer_ids && $1::uuid[] AND e.status = 'valid' AND v.member_id = ANY($1::uuid[])
        ORDER BY v.member_id, e.occurred_on, e.occurred_at, e.id`,
      [ids],
    )) as { member_id: string; source_id: string; unit_id: string; day: string; at: Date }[];
    return rows.map((r) => ({ memberId: r.member_id, sourceId: r.source_id, unitId: r.unit_id, day: r.day, at: new Date(r.at).getTime() }));
  }

  async volunteerFacts(manager: EntityManager, memberIds: string[]): Promise<VolunteerFact[]> {
    const rows = (await manager.query(`SELECT member_id, day::text AS day, unit_id, flags FROM rollup_volunteer_fact WHERE member_id = ANY($1::uuid[])`, [
      memberIds,
    ])) as {
      member_id: string;
      day: string;
      unit_id: string;
      flags: number;
    }[];
    return rows.map((r) => ({ memberId: r.member_id, day: r.day, unitId: r.unit_id, flags: r.flags }));
  }

  async writeVolunteerFacts(manager: EntityManager, upsert: VolunteerFact[], remove: { memberId: string; day: string }[]): Promise<void> {
    if (remove.length) {
      await manager.query(
        `DELETE FROM rollup_volunteer_fact f USING jsonb_to_recordset($1::jsonb) AS x("memberId" uuid, day date) WHERE f.member_id = x."memberId" AND f.day = x.day`,
        [JSON.stringify(remove)],
      );
    }
    if (!upsert.length) return;
    await manager.query(
      `INSERT INTO rollup_volunteer_fact (member_id, day, unit_id, flags)
       SELECT x."memberId", x.day, x."unitId", x.flags FROM jsonb_to_recordset($1::jsonb) AS x("memberId" uuid, day date, "unitId" uuid, flags smallint)
       ON CONFLICT (member_id, day) DO UPDATE SET unit_id = EXCLUDED.unit_id, flags = EXCLUDED.flags`,
      [JSON.stringify(upsert)],
    );
  }

  async sessionFacts(manager: EntityManager, ids: string[]): Promise<SessionFact[]> {
    const rows = (await manager.query(
      `SELECT session_id, unit_id, day::text AS day, ${SESSION_RECORDS.map((r) => q(r.column)).join(', ')} FROM rollup_session_fact WHERE session_id = ANY($1::uuid[])`,
      [ids],
    )) as Record<string, unknown>[];
    return rows.map(sessionFactOf);
  }

  async writeSessionFacts(manager: EntityManager, upsert: SessionFact[], remove: string[]): Promise<void> {
    if (remove.length) await manager.query(`DELETE FROM rollup_session_fact WHERE session_id = ANY($1::uuid[])`, [remove]);
    if (!upsert.length) return;
    const columns = SESSION_RECORDS.map((r) => q(r.column));
    await manager.query(
      `INSERT INTO rollup_session_fact (session_id, unit_id, day, ${columns.join(', ')})
       SELECT x."sessionId", x."unitId", x.day, ${columns.map((c) => `x.${c}`).join(', ')}
         FROM jsonb_to_recordset($1::jsonb) AS x("sessionId" uuid, "unitId" uuid, day date, ${columns.map((c) => `${c} int`).join(', ')})
       ON CONFLICT (session_id) DO UPDATE SET unit_id = EXCLUDED.unit_id, day = EXCLUDED.day, ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
      [JSON.stringify(upsert.map(({ records, ...key }) => ({ ...key, ...records })))],
    );
  }

  /** Adds the changes to the cells, or the mapped cells (in key order), and drops cells left at zero. */
  async applyCellChanges(manager: EntityManager, table: 'rollup_cell' | 'rollup_mapped_cell', changes: { key: CellKey; vector: Vector }[]): Promise<void> {
    const mapped = table === 'rollup_mapped_cell';
    const keys = [['unit_id', 'uuid'], ['grain', 'char(1)'], ['bucket', 'date'], ['basis', 'smallint'], ...(mapped ? [['split', 'boolean']] : [])] as [
      string,
      string,
    ][];
    const rows = changes.map(({ key, vector }) => ({ key: [key.unitId, key.grain, key.bucket, key.basis, ...(mapped ? [key.split ?? false] : [])], vector }));
    await this.addToRows(manager, table, keys, mapped ? 'numeric' : 'int', rows);
  }

  /** Adds the changes to the tree cells (in key order), and drops rows left at zero. */
  async applyTreeCellChanges(
    manager: EntityManager,
    changes: { parentId: string; unitId: string; basis: Basis; split: boolean; vector: Vector }[],
  ): Promise<void> {
    const keys: [string, string][] = [
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
    table: string,
    keys: [string, string][],
    type: 'int' | 'numeric',
    rows: { key: unknown[]; vector: Vector }[],
  ): Promise<void> {
    if (!rows.length) return;
    const columns = keys.map(([column]) => column).join(', ');
    const fields = keys.map((_, i) => `k${i}`);
    const recordset = (withMeasures: boolean) =>
      `jsonb_to_recordset($1::jsonb) AS x(${keys.map(([, t], i) => `${fields[i]} ${t}`).join(', ')}${withMeasures ? ', m jsonb' : ''})`;
    const json = (withMeasures: boolean) =>
      JSON.stringify(rows.map((r) => ({ ...Object.fromEntries(r.key.map((k, i) => [fields[i], k])), ...(withMeasures ? { m: r.vector } : {}) })));
    await manager.query(
      `INSERT INTO ${table} (${columns}, ${MEASURES.map(q).join(', ')})
       SELECT ${fields.map((f) => `x.${f}`).join(', ')}, ${MEASURES.map((_, i) => `(x.m->>${i})::${type}`).join(', ')}
         FROM ${recordset(true)} ORDER BY ${fields.map((f) => `x.${f}`).join(', ')}
       ON CONFLICT (${columns}) DO UPDATE SET ${MEASURES.map((m) => `${q(m)} = ${table}.${q(m)} + EXCLUDED.${q(m)}`).join(', ')}`,
      [json(true)],
    );
    await manager.query(
      `DELETE FROM ${table} c USING ${recordset(false)}
        WHERE ${keys.map(([column], i) => `c.${column} = x.${fields[i]}`).join(' AND ')} AND ${MEASURES.map((m) => `c.${q(m)} = 0`).join(' AND ')}`,
      [json(false)],
    );
  }

  /** The geography of the mapped cells (null before the first rebuild). */
  async geography(on: EntityManager | DataSource | Snapshot = this.dataSource): Promise<MappedGeography | null> {
    const [row] = (await on.query(`SELECT day::text AS day, signature, stale FROM rollup_geography WHERE id = 1`)) as MappedGeography[];
    return row ?? null;
  }

  /** The version of the administrative tree (bumped by triggers on every change of units, links or household counts). */
  async geographyVersion(manager: EntityManager): Promise<string> {
    const [row] = (await manager.query(`SELECT version::text AS version FROM geography_version WHERE id = 1`)) as { version: string }[];
    return row.version;
  }

  async markGeographyStale(manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE rollup_geography SET stale = true WHERE id = 1 AND NOT stale`);
  }

  /** Paths and kinds of units (to find the commune-or-higher ancestors that hold cells). */
  async unitPaths(manager: EntityManager, ids: string[]): Promise<{ id: string; path: string; kind: string }[]> {
    return (await manager.query(`SELECT id, path, kind FROM admin_unit WHERE id = ANY($1::uuid[])`, [ids])) as { id: string; path: string; kind: string }[];
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
    const rows = (await snapshot.query(
      `SELECT unit_id, bucket::text AS bucket, basis, ${MEASURES.map(q).join(', ')} FROM rollup_cell
        WHERE unit_id = ANY($1::uuid[]) AND grain = $2 AND bucket = ANY($3::date[]) AND basis IN (0, $4)`,
      [sourceIds, grain, buckets, basis],
    )) as Record<string, unknown>[];
    return this.mergeBases(rows, basis, (r) => r.bucket as string);
  }

  /** Cells of `grain` with a bucket after `after` and before `before` (exclusive): source → summed vector. */
  async cellsBetween(snapshot: Snapshot, sourceIds: string[], grain: StoredGrain, after: string, before: string, basis: Basis): Promise<Map<string, Vector>> {
    if (!sourceIds.length) return new Map();
    const rows = (await snapshot.query(
      `SELECT unit_id, '' AS bucket, basis, ${MEASURES.map((m) => `sum(${q(m)})::int AS ${q(m)}`).join(', ')} FROM rollup_cell
        WHERE unit_id = ANY($1::uuid[]) AND grain = $2 AND bucket > $3::date AND bucket < $4::date AND basis IN (0, $5)
        GROUP BY unit_id, basis`,
      [sourceIds, grain, after, before, basis],
    )) as Record<string, unknown>[];
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
    parts: { added: string[]; subtracted: string[]; flows: string | null },
    params: unknown[],
  ): Promise<{ unitId: string; bucket: string | null; split: boolean; vector: Vector }[] | null> {
    const conditions = [...parts.added, ...parts.subtracted, ...(parts.flows ? [parts.flows] : [])];
    const flowPart = parts.flows ? conditions.length - 1 : -1;
    // Measures as float8, negated in the subtracted parts: plain sums (numeric arithmetic cost more than the reads).
    // Mapped shares are stored exact to 6 decimals; the few rows of a figure summed in double precision differ from
    // the exact sum far below the three decimals an answer keeps.
    const columns = (part: number) => {
      const negated = part >= parts.added.length && part < parts.added.length + parts.subtracted.length;
      return MEASURES.map((m) => `${negated ? '-' : ''}${q(m)}::float8 AS ${q(m)}`).join(', ');
    };
    const branches = conditions.flatMap((condition, part) => [
      `SELECT ${part} AS part, unit_id, bucket, basis, false AS split, ${columns(part)} FROM rollup_cell WHERE unit_id = ANY($1::uuid[]) AND basis IN (0, $2) AND ${condition}`,
      `SELECT ${part}, unit_id, bucket, basis, split, ${columns(part)} FROM rollup_mapped_cell WHERE unit_id = ANY($1::uuid[]) AND basis IN (0, $2) AND ${condition} AND EXISTS (SELECT 1 FROM g)`,
    ]);
    const rows = await this.prepared(
      snapshot,
      `WITH g AS (SELECT 1 FROM rollup_geography WHERE id = 1 AND NOT stale AND signature = $3),
       x AS (${branches.join('\n         UNION ALL\n         ')})
       SELECT x.unit_id, CASE WHEN x.part = ${flowPart} THEN x.bucket::text END AS bucket, x.split, ${packed((m) => this.basisSum(basis, m, '$2'))}
         FROM x GROUP BY 1, 2, 3
       UNION ALL
       SELECT NULL, 'geography', NULL, NULL WHERE EXISTS (SELECT 1 FROM g)`,
      [unitIds, basis, signature, ...params],
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
      `WITH g AS (SELECT 1 FROM rollup_geography WHERE id = 1 AND NOT stale AND signature = $3)
       SELECT unit_id, basis, split, ${packed(q)} FROM rollup_tree_cell WHERE parent_id = ANY($1::uuid[]) AND basis IN (0, $2) AND EXISTS (SELECT 1 FROM g)
       UNION ALL
       SELECT NULL, NULL, NULL, NULL WHERE EXISTS (SELECT 1 FROM g)`,
      [parentIds, basis, signature],
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
    const select = (measures: Record<string, string>, table: string) =>
      `SELECT src.source_id, x.* FROM src CROSS JOIN LATERAL (
         SELECT ${bucketSql(grain, 'f.day')}::text AS bucket, ${packed((m) => measures[m] ?? '0')} AS measures
           FROM ${table} f WHERE f.unit_id = src.unit_id AND f.day BETWEEN $3::date AND $4::date GROUP BY 1) x`;
    const rows = await this.prepared(
      snapshot,
      `WITH src AS MATERIALIZED (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS s(source_id, unit_id))
       ${MEASURE_SOURCES.map((source) => select(measuresSql(source, grain, basis), SOURCES[source].table)).join('\n       UNION ALL\n       ')}`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1]), from, to],
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
    return (await this.dataSource.query(
      `SELECT u.id AS "userId", u.email, u.display_name AS "displayName", u.language, a.id AS "unitId", a.code AS "unitCode", a.path AS "unitPath"
         FROM user_account u JOIN role_grant g ON g.user_id = u.id AND g.revoked_at IS NULL AND g.role = 'DEPARTMENT'
         JOIN admin_unit a ON a.id = g.unit_id AND COALESCE(a.valid_from, '-infinity') <= $1::date AND COALESCE(a.valid_to, 'infinity') >= $1::date
        WHERE u.status = 'active' ORDER BY u.email, a.code`,
      [day],
    )) as { userId: string; email: string; displayName: string; language: string; unitId: string; unitCode: string; unitPath: string }[];
  }

  /**
   * How fresh the rollups are: the last change event whose every predecessor has been applied, and the backlog; and
   * the version of the administrative tree (the tree in memory must be that one). In the answer's snapshot: the events
   * it names are exactly those whose projections the figures read in it contain.
   */
  async freshness(
    snapshot: Snapshot,
  ): Promise<{ eventId: string | null; at: Date | null; pending: number; oldestPendingAt: Date | null; treeVersion: string }> {
    const [row] = (await this.prepared(
      snapshot,
      `WITH pending AS (SELECT min(id) AS first, count(*)::int AS n, min(created_at) AS oldest FROM change_event WHERE processed_at IS NULL)
       SELECT last.id::text AS event_id, last.created_at AS at, pending.n AS pending, pending.oldest,
              (SELECT version::text FROM geography_version WHERE id = 1) AS tree_version
         FROM pending LEFT JOIN LATERAL (SELECT id, created_at FROM change_event WHERE pending.first IS NULL OR id < pending.first ORDER BY id DESC LIMIT 1) last ON true`,
    )) as { event_id: string | null; at: Date | null; pending: number; oldest: Date | null; tree_version: string }[];
    return { eventId: row.event_id, at: row.at, pending: row.pending, oldestPendingAt: row.oldest, treeVersion: row.tree_version };
  }

  /**
   * A read as a named prepared statement (named by a digest of its text) on the answer's connection: each connection
   * plans it once, where an unnamed statement is planned on every call (a named statement outlives the transaction it
   * was prepared in). The wide statements of coverage answers take longer to plan than to run.
   */
  private async prepared(snapshot: Snapshot, text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  private async prepared(snapshot: Snapshot, text: string, values: unknown[], rowMode: 'array'): Promise<unknown[][]>;
  private async prepared(snapshot: Snapshot, text: string, values: unknown[] = [], rowMode?: 'array'): Promise<Record<string, unknown>[] | unknown[][]> {
    let name = this.statementNames.get(text);
    if (!name) {
      name = `cdtg_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      this.statementNames.set(text, name);
    }
    return (await snapshot.query(text, values, { name, rowMode })) as Record<string, unknown>[] | unknown[][];
  }

  /** The sum of a measure over rows `x` of both bases: an entry measure from the asked basis (`param`), the others from basis 0. */
  private basisSum(basis: Basis, measure: string, param: string): string {
    return basis === Basis.All ? `sum(x.${q(measure)})` : `sum(CASE WHEN x.basis = ${followsBasis(measure) ? param : '0'} THEN x.${q(measure)} END)`;
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
