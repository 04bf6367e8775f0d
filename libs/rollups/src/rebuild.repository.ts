import { RawBuilder, sql } from 'kysely';
import { EntityManager } from 'typeorm';
import { ASSIST_SERVICES, assistEntriesForRollups } from '@cdtg/assists';
import { affected, all, first } from '@cdtg/database';
import { adminUnitsForRollups, validOn } from '@cdtg/geography';
import { changeEventsForRollups } from '@cdtg/queue';
import { sessionAssignmentsForRollups, trainingSessionsForRollups } from '@cdtg/sessions';
import { CELL_KINDS_SQL } from './cell-kinds';
import { db } from './db';
import { basesOf, Basis, FLAG, MEASURES, MEASURE_SOURCES, measuresSql, SESSION_RECORDS, SOURCES } from './measures';
import { STORED_GRAINS, StoredGrain } from './periods';
import { NO_PARENT } from './rollup.entities';
import { bucketOf, registrySql, ROLLUP_LOCK } from './rollup.repository';

/**
 * The statements of the full rebuild (rebuild.service.ts): set-based SQL over the raw records (read through their
 * owners' ports) into temporary tables ("rb_" + the table they rebuild), generated from the measure registry, then
 * compared with the rollups' own tables or put in their place. SQL text in `sql` templates, checked against the
 * incremental projection by the rollup check itself and by rollups-consistency.
 */

/** The tables compared, with their key and value columns (the same lists write them in a repair). */
export const FACT_TABLES = {
  rollup_entry_fact: { keys: ['entry_id'], values: ['household_id', 'unit_id', 'day', 'a_flags', 'v_flags', 'done_bits', 'follow_up_bits', 'a_net', 'v_net'] },
  rollup_volunteer_fact: { keys: ['member_id', 'day'], values: ['unit_id', 'flags'] },
  rollup_session_fact: { keys: ['session_id'], values: ['unit_id', 'day', ...SESSION_RECORDS.map((r) => r.column)] },
  rollup_cell: { keys: ['unit_id', 'grain', 'bucket', 'basis'], values: [...MEASURES] },
} as const;
export const MAPPED = { keys: ['unit_id', 'grain', 'bucket', 'basis', 'split'], values: [...MEASURES] };
export const TREE = { keys: ['parent_id', 'basis', 'unit_id', 'split'], values: [...MEASURES] };
export type Columns = { keys: readonly string[]; values: readonly string[] };
export const columnsOf = (t: Columns) => [...t.keys, ...t.values];
/** The tables a rebuild recomputes (each into a temporary table "rb_" + its name). */
export type RebuiltTable = keyof typeof FACT_TABLES | 'rollup_mapped_cell' | 'rollup_tree_cell';
const SAMPLES = 5;

const refs = (columns: readonly string[], prefix = '') => sql.join(columns.map((c) => sql.ref(prefix + c)));
const rebuilt = (table: RebuiltTable) => sql.table(`rb_${table}`);
/** The administrative units (geography's port) as a FROM item. */
const units = () => adminUnitsForRollups();

export interface Pending {
  events: number;
  households: number;
  members: number;
  sessions: number;
}

/** Holds the rollup lock exclusively to the end of the transaction: projections wait. */
export async function lockRollupsExclusively(manager: EntityManager): Promise<void> {
  await all(manager, sql`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK})`);
}

/** The rebuild sorts and hashes every fact in memory. */
export async function setRebuildWorkMem(manager: EntityManager): Promise<void> {
  await all(manager, sql`SET LOCAL work_mem = '256MB'`);
}

/**
 * One SELECT per stored grain, fact table and basis it is summed in (entries in both), each made by `select` from the
 * measures' SQL; over the rebuilt facts (prefix "rb_") or the stored ones ("").
 */
function factParts(
  select: (grain: StoredGrain, basis: Basis, measures: Record<string, string>, table: RawBuilder<unknown>) => RawBuilder<unknown>,
  prefix: 'rb_' | '' = 'rb_',
): RawBuilder<unknown>[] {
  return STORED_GRAINS.flatMap((grain) =>
    MEASURE_SOURCES.flatMap((source) =>
      basesOf(source).map((basis) => select(grain, basis, measuresSql(source, grain, basis), sql.table(`${prefix}${SOURCES[source].table}`))),
    ),
  );
}

/** Measures summed from an aggregate `agg` (`times`: each times a share), 0 for those of other sources. */
const summed = (measures: Record<string, string>, times?: RawBuilder<unknown>) =>
  sql.join(MEASURES.map((m) => (measures[m] ? sql`sum(${sql.ref(`agg.${m}`)}${times ? sql` * ${times}` : sql``})` : sql`0`)));
/** The registry's SQL of each measure of a source over a fact row `f`, named after the measure. */
const perFact = (measures: Record<string, string>) => sql.join(Object.entries(measures).map(([m, text]) => sql`${registrySql(text)} AS ${sql.ref(m)}`));
/** Columns c0, c1… of the union of the parts, one per measure. */
const numbered = sql.join(MEASURES.map((_, i) => sql.ref(`c${i}`)));

const FIRST = (partition: RawBuilder<unknown>, bit: number) =>
  sql`(CASE WHEN row_number() OVER (PARTITION BY ${partition} ORDER BY occurred_at, id) = 1 THEN ${sql.lit(bit)} ELSE 0 END)`;

export async function buildEntryFacts(manager: EntityManager): Promise<void> {
  const flags = (verifiedOnly: boolean) =>
    sql`SELECT id, 1 + ${FIRST(sql`household_id, occurred_on`, FLAG.D)} + ${FIRST(sql`household_id, date_trunc('week', occurred_on)`, FLAG.W)}
              + ${FIRST(sql`household_id, date_trunc('month', occurred_on)`, FLAG.M)} + ${FIRST(sql`household_id, date_trunc('quarter', occurred_on)`, FLAG.Q)}
              + ${FIRST(sql`household_id, date_trunc('year', occurred_on)`, FLAG.Y)} + ${FIRST(sql`household_id`, FLAG.ever)} AS flags
       FROM ${assistEntriesForRollups()} AS e WHERE status = 'valid' ${verifiedOnly ? sql`AND verified_at IS NOT NULL` : sql``}`;
  // Per entry and service: open now, and open before (the previous entry of the household with that service).
  const nets = (verifiedOnly: boolean) =>
    sql`SELECT id, sum(open::int - coalesce(was_open, false)::int) AS net
       FROM (SELECT x.*, lag(open) OVER (PARTITION BY household_id, service ORDER BY occurred_at, id) AS was_open
               FROM (SELECT e.id, e.household_id, e.occurred_at, s->>'service' AS service, s->>'outcome' = 'follow_up' AS open
                       FROM ${assistEntriesForRollups()} AS e CROSS JOIN jsonb_array_elements(e.services) s
                      WHERE e.status = 'valid' ${verifiedOnly ? sql`AND e.verified_at IS NOT NULL` : sql``}) x) y
      GROUP BY id`;
  const services = [...ASSIST_SERVICES];
  await all(manager, sql`DROP TABLE IF EXISTS rb_rollup_entry_fact`);
  await all(
    manager,
    sql`CREATE TEMP TABLE rb_rollup_entry_fact ON COMMIT DROP AS
     WITH a AS (${flags(false)}), v AS (${flags(true)}),
          an AS (${nets(false)}), vn AS (${nets(true)}),
          bits AS (SELECT e.id,
                          coalesce(bit_or(1 << (array_position(${services}::text[], s->>'service') - 1)) FILTER (WHERE s->>'outcome' = 'done'), 0) AS done_bits,
                          coalesce(bit_or(1 << (array_position(${services}::text[], s->>'service') - 1)) FILTER (WHERE s->>'outcome' = 'follow_up'), 0) AS follow_up_bits
                     FROM ${assistEntriesForRollups()} AS e CROSS JOIN jsonb_array_elements(e.services) s WHERE e.status = 'valid' GROUP BY e.id)
     SELECT e.id AS entry_id, e.household_id, e.unit_id, e.occurred_on AS day, a.flags::smallint AS a_flags, coalesce(v.flags, 0)::smallint AS v_flags,
            bits.done_bits::smallint, bits.follow_up_bits::smallint, coalesce(an.net, 0)::smallint AS a_net, coalesce(vn.net, 0)::smallint AS v_net
       FROM ${assistEntriesForRollups()} AS e JOIN a ON a.id = e.id LEFT JOIN v ON v.id = e.id JOIN bits ON bits.id = e.id
       LEFT JOIN an ON an.id = e.id LEFT JOIN vn ON vn.id = e.id`,
  );
}

export async function buildVolunteerFacts(manager: EntityManager): Promise<void> {
  const first = (partition: RawBuilder<unknown>, bit: number) =>
    sql`(CASE WHEN row_number() OVER (PARTITION BY ${partition} ORDER BY day) = 1 THEN ${sql.lit(bit)} ELSE 0 END)`;
  await all(manager, sql`DROP TABLE IF EXISTS rb_rollup_volunteer_fact`);
  await all(
    manager,
    sql`CREATE TEMP TABLE rb_rollup_volunteer_fact ON COMMIT DROP AS
     WITH activity AS (
            SELECT m AS member_id, e.id AS source_id, e.unit_id, e.occurred_on AS day, e.occurred_at AS at
              FROM ${assistEntriesForRollups()} AS e CROSS JOIN unnest(e.volunteer_ids) AS m WHERE e.status = 'valid'
            UNION ALL
            SELECT a.member_id, s.id, s.unit_id, (s.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, s.starts_at
              FROM ${sessionAssignmentsForRollups()} AS a JOIN ${trainingSessionsForRollups()} AS s ON s.id = a.session_id
             WHERE a.status = 'accepted' AND s.status = 'held' AND s.attendance_logged_at IS NOT NULL),
          days AS (SELECT DISTINCT ON (member_id, day) member_id, day, unit_id FROM activity ORDER BY member_id, day, at, source_id)
     SELECT member_id, day, unit_id,
            (1 + ${sql.lit(FLAG.D)}
             + ${first(sql`member_id, date_trunc('week', day)`, FLAG.W)}
             + ${first(sql`member_id, date_trunc('month', day)`, FLAG.M)}
             + ${first(sql`member_id, date_trunc('quarter', day)`, FLAG.Q)}
             + ${first(sql`member_id, date_trunc('year', day)`, FLAG.Y)}
             + ${first(sql`member_id`, FLAG.ever)})::smallint AS flags
       FROM days`,
  );
}

export async function buildSessionFacts(manager: EntityManager): Promise<void> {
  await all(manager, sql`DROP TABLE IF EXISTS rb_rollup_session_fact`);
  // The registry's SQL for each recorded measure, over the session's columns.
  const records = sql.join(SESSION_RECORDS.map((r) => sql`${registrySql(r.record)} AS ${sql.ref(r.column)}`));
  await all(
    manager,
    sql`CREATE TEMP TABLE rb_rollup_session_fact ON COMMIT DROP AS
     SELECT id AS session_id, unit_id, (starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, ${records}
       FROM ${trainingSessionsForRollups()} AS s WHERE status = 'held' AND attendance_logged_at IS NOT NULL`,
  );
}

/**
 * The households, members and sessions named by change events not yet applied (rb_pending), and how many events and
 * keys of each kind.
 */
export async function pendingKeys(manager: EntityManager): Promise<Pending> {
  const events = () => changeEventsForRollups();
  await all(manager, sql`DROP TABLE IF EXISTS rb_pending`);
  await all(
    manager,
    sql`CREATE TEMP TABLE rb_pending ON COMMIT DROP AS
     SELECT 'h'::char(1) AS kind, k AS id FROM ${events()} AS c, unnest(c.households) k WHERE c.processed_at IS NULL
     UNION SELECT 'm', k FROM ${events()} AS c, unnest(c.members) k WHERE c.processed_at IS NULL
     UNION SELECT 's', k FROM ${events()} AS c, unnest(c.sessions) k WHERE c.processed_at IS NULL`,
  );
  const counts = await first(
    manager,
    sql<Pending>`SELECT (SELECT count(*) FROM ${events()} AS c WHERE c.processed_at IS NULL)::int AS events,
            count(*) FILTER (WHERE kind = 'h')::int AS households, count(*) FILTER (WHERE kind = 'm')::int AS members,
            count(*) FILTER (WHERE kind = 's')::int AS sessions
       FROM rb_pending`,
  );
  return counts!;
}

/** Replaces the rebuilt facts of pending keys of `kind` ('h', 'm', 's', by `key`) with the stored ones. */
export async function keepStoredFacts(manager: EntityManager, table: keyof typeof FACT_TABLES, key: string, kind: 'h' | 'm' | 's'): Promise<void> {
  const cols = refs(columnsOf(FACT_TABLES[table]));
  const pending = sql`${sql.ref(key)} IN (SELECT id FROM rb_pending WHERE kind = ${sql.lit(kind)})`;
  await affected(manager, sql`DELETE FROM ${rebuilt(table)} WHERE ${pending}`);
  await affected(manager, sql`INSERT INTO ${rebuilt(table)} (${cols}) SELECT ${cols} FROM ${sql.table(table)} WHERE ${pending}`);
}

/**
 * Cells from the rebuilt facts: each fact in every commune-or-higher unit on its path, per grain and basis. Facts are
 * first summed per nearest cell unit (a residential group's commune) and bucket, then spread to the units above.
 */
export async function buildCells(manager: EntityManager): Promise<void> {
  await all(manager, sql`DROP TABLE IF EXISTS rb_near, rb_up, rb_rollup_cell`);
  await all(
    manager,
    sql`CREATE TEMP TABLE rb_near ON COMMIT DROP AS
     SELECT u.id AS unit_id,
            (SELECT k.id FROM unnest(string_to_array(trim(both '/' from u.path), '/')::uuid[]) WITH ORDINALITY AS a(id, n)
               JOIN ${units()} AS k ON k.id = a.id AND k.kind IN ${sql.raw(CELL_KINDS_SQL)} ORDER BY a.n DESC LIMIT 1) AS near
       FROM ${units()} AS u`,
  );
  await all(
    manager,
    sql`CREATE TEMP TABLE rb_up ON COMMIT DROP AS
     SELECT DISTINCT n.near, k.id AS cell_id FROM (SELECT DISTINCT near FROM rb_near WHERE near IS NOT NULL) n JOIN ${units()} AS u ON u.id = n.near
       CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from u.path), '/')::uuid[]) AS anc(id) JOIN ${units()} AS k ON k.id = anc.id AND k.kind IN ${sql.raw(CELL_KINDS_SQL)}`,
  );
  await all(manager, sql`ANALYZE rb_near, rb_up`);
  const parts = factParts(
    (grain, basis, measures, table) =>
      sql`SELECT up.cell_id AS unit_id, ${sql.lit(grain)}::char(1) AS grain, agg.bucket, ${sql.lit(basis)}::smallint AS basis, ${summed(measures)}
       FROM (SELECT n.near, ${bucketOf(grain, sql`f.day`)} AS bucket, ${perFact(measures)}
               FROM ${table} f JOIN rb_near n ON n.unit_id = f.unit_id GROUP BY 1, 2) agg
       JOIN rb_up up ON up.near = agg.near GROUP BY 1, 2, 3, 4`,
  );
  await all(
    manager,
    sql`CREATE TEMP TABLE rb_rollup_cell ON COMMIT DROP AS
     SELECT unit_id, grain, bucket, basis, ${sql.join(MEASURES.map((m, i) => sql`sum(${sql.ref(`x.c${i}`)})::int AS ${sql.ref(m)}`))}
       FROM (${sql.join(parts, sql`\nUNION ALL\n`)}) AS x(unit_id, grain, bucket, basis, ${numbered})
      GROUP BY 1, 2, 3, 4
     HAVING ${sql.join(
       MEASURES.map((_, i) => sql`sum(${sql.ref(`x.c${i}`)}) <> 0`),
       sql` OR `,
     )}`,
  );
}

/** Units not in force on `day` (their facts are mapped to the units in force). */
export async function unitsNotInForce(manager: EntityManager, day: string): Promise<string[]> {
  const rows = await all(
    manager,
    db
      .selectFrom(units().as('u'))
      .select('u.id')
      .where((eb) => sql`COALESCE(${eb.ref('u.valid_from')}, '-infinity') > ${day}::date OR COALESCE(${eb.ref('u.valid_to')}, 'infinity') < ${day}::date`),
  );
  return rows.map((r) => r.id);
}

/**
 * Mapped cells from the rebuilt facts (`facts` "rb_") or the stored ones (""): every unit of `shares` (source unit,
 * unit in force, share), its facts summed per bucket times its shares.
 */
export async function buildMappedCells(manager: EntityManager, shares: [string, string, number][], facts: 'rb_' | ''): Promise<void> {
  await all(manager, sql`DROP TABLE IF EXISTS rb_share, rb_rollup_mapped_cell`);
  await all(
    manager,
    sql`CREATE TEMP TABLE rb_share ON COMMIT DROP AS
     SELECT * FROM unnest(${shares.map((s) => s[0])}::uuid[], ${shares.map((s) => s[1])}::uuid[], ${shares.map((s) => String(s[2]))}::numeric[]) AS s(unit_id, target_id, share)`,
  );
  await all(manager, sql`ANALYZE rb_share`);
  const parts = factParts(
    (grain, basis, measures, table) =>
      sql`SELECT s.target_id AS unit_id, ${sql.lit(grain)}::char(1) AS grain, agg.bucket, ${sql.lit(basis)}::smallint AS basis, s.share <> trunc(s.share) AS split,
            ${summed(measures, sql`s.share`)}
       FROM (SELECT f.unit_id, ${bucketOf(grain, sql`f.day`)} AS bucket, ${perFact(measures)}
               FROM ${table} f WHERE f.unit_id IN (SELECT unit_id FROM rb_share) GROUP BY 1, 2) agg
       JOIN rb_share s ON s.unit_id = agg.unit_id GROUP BY 1, 2, 3, 4, 5`,
    facts,
  );
  await all(
    manager,
    sql`CREATE TEMP TABLE rb_rollup_mapped_cell ON COMMIT DROP AS
     SELECT unit_id, grain, bucket, basis, split, ${sql.join(MEASURES.map((m, i) => sql`sum(${sql.ref(`x.c${i}`)}) AS ${sql.ref(m)}`))}
       FROM (${sql.join(parts, sql`\nUNION ALL\n`)}) AS x(unit_id, grain, bucket, basis, split, ${numbered})
      GROUP BY 1, 2, 3, 4, 5
     HAVING ${sql.join(
       MEASURES.map((_, i) => sql`sum(${sql.ref(`x.c${i}`)}) <> 0`),
       sql` OR `,
     )}`,
  );
}

/**
 * Tree cells from the cells (rebuilt: `cells` "rb_", or stored: "") and the rebuilt mapped cells: all time, for every
 * commune-or-higher unit in force on the geography day, its cell plus its mapped cell, keyed by its parent.
 */
export async function buildTreeCells(manager: EntityManager, day: string, cells: 'rb_' | ''): Promise<void> {
  await all(manager, sql`DROP TABLE IF EXISTS rb_rollup_tree_cell`);
  await all(
    manager,
    sql`CREATE TEMP TABLE rb_rollup_tree_cell ON COMMIT DROP AS
     SELECT COALESCE(u.parent_id, ${sql.lit(NO_PARENT)}::uuid) AS parent_id, x.basis, x.unit_id, x.split,
            ${sql.join(MEASURES.map((m) => sql`sum(${sql.ref(`x.${m}`)}) AS ${sql.ref(m)}`))}
       FROM (SELECT unit_id, basis, false AS split, ${sql.join(MEASURES.map((m) => sql`${sql.ref(m)}::numeric AS ${sql.ref(m)}`))}
               FROM ${sql.table(`${cells}rollup_cell`)} WHERE grain = 'A'
             UNION ALL
             SELECT unit_id, basis, split, ${refs(MEASURES)} FROM rb_rollup_mapped_cell WHERE grain = 'A') x
       JOIN ${units()} AS u ON u.id = x.unit_id AND ${validOn('u', day)}
      GROUP BY 1, 2, 3, 4
     HAVING ${sql.join(
       MEASURES.map((m) => sql`sum(${sql.ref(`x.${m}`)}) <> 0`),
       sql` OR `,
     )}`,
  );
}

/** Replaces a table's rows with the rebuilt ones (in `order`, to lay a small table out by its key). */
export async function replaceWithRebuilt(manager: EntityManager, table: RebuiltTable, cols: string[], order?: readonly string[]): Promise<void> {
  await affected(manager, sql`DELETE FROM ${sql.table(table)}`);
  await affected(
    manager,
    sql`INSERT INTO ${sql.table(table)} (${refs(cols)}) SELECT ${refs(cols)} FROM ${rebuilt(table)}${order ? sql` ORDER BY ${refs(order)}` : sql``}`,
  );
}

/**
 * Rows of the rebuilt table and the stored one, how many differ (missing on either side, or another value), and a few
 * of them.
 */
export async function compareWithRebuilt(
  manager: EntityManager,
  table: RebuiltTable,
  keys: readonly string[],
  values: readonly string[],
): Promise<{ expected: number; stored: number; different: number; samples: string[] }> {
  const r = (c: string) => sql.ref(`r.${c}`);
  const s = (c: string) => sql.ref(`s.${c}`);
  const on = sql.join(
    keys.map((k) => sql`${r(k)} = ${s(k)}`),
    sql` AND `,
  );
  const differs = sql`${r(keys[0])} IS NULL OR ${s(keys[0])} IS NULL OR ${sql.join(
    values.map((v) => sql`${r(v)} IS DISTINCT FROM ${s(v)}`),
    sql` OR `,
  )}`;
  const row = (await first(
    manager,
    sql<{ expected: number; stored: number; different: number }>`SELECT (SELECT count(*) FROM ${rebuilt(table)})::int AS expected,
            (SELECT count(*) FROM ${sql.table(table)})::int AS stored,
            (SELECT count(*) FROM ${rebuilt(table)} r FULL JOIN ${sql.table(table)} s ON ${on} WHERE ${differs})::int AS different`,
  ))!;
  if (row.different === 0) return { ...row, samples: [] };
  const key = sql.join(
    keys.map((k) => sql`COALESCE(${r(k)}, ${s(k)})::text`),
    sql` || '/' || `,
  );
  const samples = await all(
    manager,
    sql<{ key: string }>`SELECT CASE WHEN ${s(keys[0])} IS NULL THEN 'missing ' WHEN ${r(keys[0])} IS NULL THEN 'extra ' ELSE 'changed ' END || ${key} AS key
       FROM ${rebuilt(table)} r FULL JOIN ${sql.table(table)} s ON ${on} WHERE ${differs} ORDER BY 1 LIMIT ${sql.lit(SAMPLES)}`,
  );
  return { ...row, samples: samples.map((x) => x.key) };
}

/** The geography the mapped cells are kept in (built now, not stale). */
export async function setGeography(manager: EntityManager, geography: { day: string; signature: string }): Promise<void> {
  await affected(
    manager,
    db
      .insertInto('rollup_geography')
      .values({ id: 1, day: geography.day, signature: geography.signature, stale: false, built_at: sql<Date>`now()` })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({ day: eb.ref('excluded.day'), signature: eb.ref('excluded.signature'), stale: false, built_at: sql<Date>`now()` })),
      ),
  );
}
