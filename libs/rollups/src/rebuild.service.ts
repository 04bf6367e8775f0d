import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ASSIST_SERVICES } from '@cdtg/assists';
import { basesOf, Basis, FLAG, MEASURES, MEASURE_SOURCES, measuresSql, SESSION_RECORDS, SESSION_RECORDS_SQL, SOURCES } from './measures';
import { Clock, systemClock } from '@cdtg/time';
import { GeographyMapService } from './geography-map.service';
import { CELL_KINDS, CELL_KINDS_SQL } from './cell-kinds';
import { ROLLUP_LOCK } from './projector.service';
import { NO_PARENT } from './rollup.entities';
import { RollupCheckOrigin } from './rollup-check.entity';
import { RollupCheckRepository } from './rollup-check.repository';
import { bucketSql, RollupRepository } from './rollup.repository';
import { STORED_GRAINS } from './periods';

export interface TableCheck {
  /** Rows the rebuild computed from raw records. */
  expected: number;
  /** Rows the incremental projection holds. */
  stored: number;
  /** Rows missing, extra or with another value. */
  different: number;
  /** A few of them ("missing", "extra" or "changed", then the key columns joined by "/"), for the log and the stored result. */
  samples: string[];
}

export interface RebuildReport {
  /** The stored result (rollup_check). */
  id: string;
  mode: 'verify' | 'repair';
  origin: RollupCheckOrigin;
  entryFacts: TableCheck;
  volunteerFacts: TableCheck;
  sessionFacts: TableCheck;
  cells: TableCheck;
  /** Mapped cells of the geography day (compared only when the geography has not moved since they were built). */
  mappedCells: TableCheck;
  /** Tree cells of the geography day (likewise). */
  treeCells: TableCheck;
  /** The geography the mapped cells are now kept in, and whether this run moved them to it (rebuilt, not compared). */
  geography: { day: string; moved: boolean };
  /**
   * Keys named by change events not yet applied in the snapshot compared: the projection still has to recount them,
   * so they are compared as it holds them (their facts taken from the incremental tables), neither blocked nor reported.
   */
  pending: { events: number; households: number; members: number; sessions: number };
  /** True when the incremental tables equal the rebuild (there must be no difference). */
  consistent: boolean;
  /** Rows that differ, summed over the tables compared. */
  differences: number;
  /** True when the tables were replaced by the rebuild. */
  repaired: boolean;
  /** True when mapped and tree cells were refilled for a changed tree (a cache, not a difference). */
  remapped: boolean;
  /** How long projections waited for this run (the rollup lock held exclusively): 0 for a check, unless it remapped. */
  lockedMs: number;
  ms: number;
}

/** The tables compared, with their key and value columns (the same lists write them in a repair). */
const FACT_TABLES = {
  rollup_entry_fact: { keys: ['entry_id'], values: ['household_id', 'unit_id', 'day', 'a_flags', 'v_flags', 'done_bits', 'follow_up_bits', 'a_net', 'v_net'] },
  rollup_volunteer_fact: { keys: ['member_id', 'day'], values: ['unit_id', 'flags'] },
  rollup_session_fact: { keys: ['session_id'], values: ['unit_id', 'day', ...SESSION_RECORDS.map((r) => r.column)] },
  rollup_cell: { keys: ['unit_id', 'grain', 'bucket', 'basis'], values: [...MEASURES] },
} as const;
const MAPPED = { keys: ['unit_id', 'grain', 'bucket', 'basis', 'split'], values: [...MEASURES] };
const TREE = { keys: ['parent_id', 'basis', 'unit_id', 'split'], values: [...MEASURES] };
const columnsOf = (t: { keys: readonly string[]; values: readonly string[] }) => [...t.keys, ...t.values];
const SAMPLES = 5;

/** What one recount found, before any table is replaced. */
type Recount = Pick<RebuildReport, 'entryFacts' | 'volunteerFacts' | 'sessionFacts' | 'cells' | 'mappedCells' | 'treeCells' | 'pending' | 'consistent'> & {
  /** The geography of the rebuilt mapped cells (today's), and the one the stored ones were built in. */
  geography: { day: string; signature: string };
  stored: { day: string; signature: string; stale: boolean } | null;
  moved: boolean;
};

const q = (name: string) => `"${name}"`;
const FIRST = (partition: string, bit: number) =>
  `(CASE WHEN row_number() OVER (PARTITION BY ${partition} ORDER BY occurred_at, id) = 1 THEN ${bit} ELSE 0 END)`;

/**
 * One SELECT per stored grain, fact table and basis it is summed in (entries in both), each made by `select` from the
 * measures' SQL; over the rebuilt facts (prefix "rb_") or the stored ones ("").
 */
function factParts(select: (grain: string, basis: Basis, measures: Record<string, string>, table: string) => string, prefix: 'rb_' | '' = 'rb_'): string[] {
  return STORED_GRAINS.flatMap((grain) =>
    MEASURE_SOURCES.flatMap((source) =>
      basesOf(source).map((basis) => select(grain, basis, measuresSql(source, grain, basis), `${prefix}${SOURCES[source].table}`)),
    ),
  );
}

/**
 * The full rebuild: recomputes every fact from the raw records with set-based SQL (window functions: an independent
 * implementation of the rules in facts.ts) and every cell from the facts, then compares with what the incremental
 * projection holds.
 *
 * `verify` (the nightly check, `npm run rollups -- check`) takes no lock: it reads raw records and incremental tables
 * in one REPEATABLE READ snapshot (writing only temporary tables), so projections keep committing meanwhile and the
 * snapshot holds each of their transactions whole or not at all. Keys named by change events still pending in the
 * snapshot are compared as the projection holds them (their recount is still to come), so a write not yet projected
 * is no difference. Differences are reported (logged with counts and sample keys, stored in rollup_check), never
 * repaired here. The one thing a check writes is the cache of mapped and tree cells when the tree changed since they
 * were built: that refill holds the rollup lock, from the stored facts, only on the first check after such a change.
 *
 * `repair` (`npm run rollups -- rebuild`, a repair job, or the nightly job when differences persist) holds the rollup
 * lock exclusively (projections wait) and replaces the tables that differ with the rebuild: the backfill, and the way
 * to adopt a changed rule or a reorganisation imported later.
 */
@Injectable()
export class RebuildService {
  private readonly logger = new Logger(RebuildService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly maps: GeographyMapService = new GeographyMapService(dataSource),
    private readonly repository: RollupRepository = new RollupRepository(dataSource),
    private readonly checks: RollupCheckRepository = new RollupCheckRepository(dataSource),
    private readonly clock: Clock = systemClock,
  ) {}

  async run(mode: 'verify' | 'repair', options: { origin?: RollupCheckOrigin } = {}): Promise<RebuildReport> {
    const startedAt = this.clock.now();
    const started = Date.now();
    let lockedMs = 0;
    let remapped = false;
    let repaired = false;
    let recount: Recount;
    if (mode === 'verify') {
      recount = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
        await manager.query(`SET LOCAL work_mem = '256MB'`);
        return this.recount(manager);
      });
      if (recount.moved) {
        const locked = Date.now();
        remapped = await this.remap();
        lockedMs = Date.now() - locked;
      }
    } else {
      recount = await this.dataSource.transaction(async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock($1)`, [ROLLUP_LOCK]);
        await manager.query(`SET LOCAL work_mem = '256MB'`);
        const found = await this.recount(manager);
        const { moved, stored, geography } = found;
        if (moved || found.mappedCells.different > 0) await this.replace(manager, 'rollup_mapped_cell', columnsOf(MAPPED));
        if (moved || found.treeCells.different > 0) await this.replace(manager, 'rollup_tree_cell', columnsOf(TREE), TREE.keys);
        remapped = moved;
        await this.setGeography(manager, moved ? geography : stored!);
        if (!found.consistent) for (const [table, t] of Object.entries(FACT_TABLES)) await this.replace(manager, table, columnsOf(t));
        repaired = !found.consistent;
        return found;
      });
      lockedMs = Date.now() - started;
    }
    const { entryFacts, volunteerFacts, sessionFacts, cells, mappedCells, treeCells, pending, consistent, moved } = recount;
    // Mapped and tree cells of another geography (or left stale by a change of the tree) are a cache to refill, not a difference.
    const compared = [entryFacts, volunteerFacts, sessionFacts, cells, ...(moved ? [] : [mappedCells, treeCells])];
    const report: RebuildReport = {
      id: '',
      mode,
      origin: options.origin ?? 'service',
      entryFacts,
      volunteerFacts,
      sessionFacts,
      cells,
      mappedCells,
      treeCells,
      geography: { day: moved ? recount.geography.day : recount.stored!.day, moved },
      pending,
      consistent,
      differences: compared.reduce((n, c) => n + c.different, 0),
      repaired,
      remapped,
      lockedMs,
      ms: Date.now() - started,
    };
    const { id: _unsaved, ...stored } = report;
    report.id = await this.checks.record({
      mode,
      origin: report.origin,
      startedAt,
      finishedAt: this.clock.now(),
      consistent,
      repaired,
      differences: report.differences,
      report: stored as unknown as Record<string, unknown>,
    });
    this.log(report);
    return report;
  }

  /** One line per run; a difference is an error line with the counts per table and sample keys. */
  private log(r: RebuildReport): void {
    const tables = {
      entryFacts: r.entryFacts,
      volunteerFacts: r.volunteerFacts,
      sessionFacts: r.sessionFacts,
      cells: r.cells,
      mappedCells: r.mappedCells,
      treeCells: r.treeCells,
    };
    const counts = Object.entries(tables)
      .map(([name, t]) => `${name} ${t.different}/${t.expected}`)
      .join(', ');
    const samples = Object.entries(tables)
      .flatMap(([name, t]) => t.samples.slice(0, 2).map((k) => `${name} ${k}`))
      .join('; ');
    const pending = `${r.pending.events} pending event(s) compared as projected`;
    if (r.repaired) {
      this.logger.warn(
        `Rollups repaired (check #${r.id}, ${r.origin}): ${r.differences} row(s) differed from the rebuild from raw records and were replaced (${counts}; samples: ${samples}); projections waited ${r.lockedMs} ms`,
      );
    } else if (!r.consistent) {
      this.logger.error(
        `Rollup check #${r.id} (${r.origin}) found ${r.differences} difference(s) from a rebuild from raw records, not repaired (different/expected: ${counts}; samples: ${samples}; ${pending}). ` +
          `Repair with \`npm run rollups -- repair\`${r.mode === 'verify' ? ' (the nightly job repairs if the next check finds differences too, unless ROLLUP_AUTO_REPAIR=false)' : ''}.`,
      );
    } else {
      this.logger.log(
        `Rollup check #${r.id} (${r.origin}): incremental tables equal the rebuild (${r.ms} ms, ${pending}; projections waited ${r.lockedMs} ms${r.remapped ? ', mapped cells refilled for a changed tree' : ''})`,
      );
    }
  }

  /**
   * Rebuilds facts from raw records, takes the keys of pending change events as the projection holds them, builds the
   * cells, mapped cells and tree cells from those facts, and compares every table (in the caller's transaction).
   */
  private async recount(manager: EntityManager): Promise<Recount> {
    await this.buildEntryFacts(manager);
    await this.buildVolunteerFacts(manager);
    await this.buildSessionFacts(manager);
    // After the raw reads: under the lock (repair) a key written since then has a pending event too.
    const pending = await this.keepPendingKeys(manager);
    await this.buildCells(manager);
    const geography = await this.buildMappedCells(manager, 'rb_');
    await this.buildTreeCells(manager, geography.day, 'rb_');
    const stored = await this.repository.geography(manager);
    const moved = !stored || stored.stale || stored.signature !== geography.signature;
    const check = (table: string, t: { keys: readonly string[]; values: readonly string[] }) => this.compare(manager, table, [...t.keys], [...t.values]);
    const entryFacts = await check('rollup_entry_fact', FACT_TABLES.rollup_entry_fact);
    const volunteerFacts = await check('rollup_volunteer_fact', FACT_TABLES.rollup_volunteer_fact);
    const sessionFacts = await check('rollup_session_fact', FACT_TABLES.rollup_session_fact);
    const cells = await check('rollup_cell', FACT_TABLES.rollup_cell);
    const mappedCells = await check('rollup_mapped_cell', MAPPED);
    const treeCells = await check('rollup_tree_cell', TREE);
    const consistent = [entryFacts, volunteerFacts, sessionFacts, cells, ...(moved ? [] : [mappedCells, treeCells])].every((c) => c.different === 0);
    return { entryFacts, volunteerFacts, sessionFacts, cells, mappedCells, treeCells, pending, geography, stored, moved, consistent };
  }

  /**
   * The households, members and sessions named by change events not yet applied: their rebuilt facts are replaced by
   * the stored ones. The projection recounts them later (and adds the difference to the cells then); until it has,
   * the cells hold exactly the stored facts, so that is what they are compared with.
   */
  private async keepPendingKeys(manager: EntityManager): Promise<RebuildReport['pending']> {
    await manager.query(`DROP TABLE IF EXISTS rb_pending`);
    await manager.query(
      `CREATE TEMP TABLE rb_pending ON COMMIT DROP AS
       SELECT 'h'::char(1) AS kind, k AS id FROM change_event, unnest(households) k WHERE processed_at IS NULL
       UNION SELECT 'm', k FROM change_event, unnest(members) k WHERE processed_at IS NULL
       UNION SELECT 's', k FROM change_event, unnest(sessions) k WHERE processed_at IS NULL`,
    );
    const [counts] = (await manager.query(
      `SELECT (SELECT count(*) FROM change_event WHERE processed_at IS NULL)::int AS events,
              count(*) FILTER (WHERE kind = 'h')::int AS households, count(*) FILTER (WHERE kind = 'm')::int AS members, count(*) FILTER (WHERE kind = 's')::int AS sessions
         FROM rb_pending`,
    )) as RebuildReport['pending'][];
    if (counts.households + counts.members + counts.sessions === 0) return counts;
    const keep = async (table: string, key: string, kind: string) => {
      const cols = columnsOf(FACT_TABLES[table as keyof typeof FACT_TABLES])
        .map(q)
        .join(', ');
      await manager.query(`DELETE FROM rb_${table} WHERE ${key} IN (SELECT id FROM rb_pending WHERE kind = '${kind}')`);
      await manager.query(`INSERT INTO rb_${table} (${cols}) SELECT ${cols} FROM ${table} WHERE ${key} IN (SELECT id FROM rb_pending WHERE kind = '${kind}')`);
    };
    if (counts.households) await keep('rollup_entry_fact', 'household_id', 'h');
    if (counts.members) await keep('rollup_volunteer_fact', 'member_id', 'm');
    if (counts.sessions) await keep('rollup_session_fact', 'session_id', 's');
    return counts;
  }

  /**
   * Refills mapped and tree cells for today's tree from the stored facts and cells, under the rollup lock (while the
   * geography is stale or moved the projector writes none, so it must not commit between this read and these writes).
   * False when another run refilled them meanwhile.
   */
  private async remap(): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock($1)`, [ROLLUP_LOCK]);
      await manager.query(`SET LOCAL work_mem = '256MB'`);
      const stored = await this.repository.geography(manager);
      const geography = await this.buildMappedCells(manager, '');
      if (stored && !stored.stale && stored.signature === geography.signature) return false;
      await this.buildTreeCells(manager, geography.day, '');
      await this.replace(manager, 'rollup_mapped_cell', columnsOf(MAPPED));
      await this.replace(manager, 'rollup_tree_cell', columnsOf(TREE), TREE.keys);
      await this.setGeography(manager, geography);
      return true;
    });
  }

  private async setGeography(manager: EntityManager, geography: { day: string; signature: string }): Promise<void> {
    await manager.query(
      `INSERT INTO rollup_geography (id, day, signature, stale, built_at) VALUES (1, $1, $2, false, now())
       ON CONFLICT (id) DO UPDATE SET day = EXCLUDED.day, signature = EXCLUDED.signature, stale = false, built_at = now()`,
      [geography.day, geography.signature],
    );
  }

  private async buildEntryFacts(manager: EntityManager): Promise<void> {
    const flags = (where: string) =>
      `SELECT id, 1 + ${FIRST('household_id, occurred_on', FLAG.D)} + ${FIRST(`household_id, date_trunc('week', occurred_on)`, FLAG.W)}
                + ${FIRST(`household_id, date_trunc('month', occurred_on)`, FLAG.M)} + ${FIRST(`household_id, date_trunc('quarter', occurred_on)`, FLAG.Q)}
                + ${FIRST(`household_id, date_trunc('year', occurred_on)`, FLAG.Y)} + ${FIRST('household_id', FLAG.ever)} AS flags
         FROM assist_entry WHERE status = 'valid' ${where}`;
    // Per entry and service: open now, and open before (the previous entry of the household with that service).
    const nets = (where: string) =>
      `SELECT id, sum(open::int - coalesce(was_open, false)::int) AS net
         FROM (SELECT x.*, lag(open) OVER (PARTITION BY household_id, service ORDER BY occurred_at, id) AS was_open
                 FROM (SELECT e.id, e.household_id, e.occurred_at, s->>'service' AS service, s->>'outcome' = 'follow_up' AS open
                         FROM assist_entry e CROSS JOIN jsonb_array_elements(e.services) s WHERE e.status = 'valid' ${where}) x) y
        GROUP BY id`;
    await manager.query(`DROP TABLE IF EXISTS rb_rollup_entry_fact`);
    await manager.query(
      `CREATE TEMP TABLE rb_rollup_entry_fact ON COMMIT DROP AS
       WITH a AS (${flags('')}), v AS (${flags('AND verified_at IS NOT NULL')}),
            an AS (${nets('')}), vn AS (${nets('AND e.verified_at IS NOT NULL')}),
            bits AS (SELECT e.id,
                            coalesce(bit_or(1 << (array_position($1::text[], s->>'service') - 1)) FILTER (WHERE s->>'outcome' = 'done'), 0) AS done_bits,
                            coalesce(bit_or(1 << (array_position($1::text[], s->>'service') - 1)) FILTER (WHERE s->>'outcome' = 'follow_up'), 0) AS follow_up_bits
                       FROM assist_entry e CROSS JOIN jsonb_array_elements(e.services) s WHERE e.status = 'valid' GROUP BY e.id)
       SELECT e.id AS entry_id, e.household_id, e.unit_id, e.occurred_on AS day, a.flags::smallint AS a_flags, coalesce(v.flags, 0)::smallint AS v_flags,
              bits.done_bits::smallint, bits.follow_up_bits::smallint, coalesce(an.net, 0)::smallint AS a_net, coalesce(vn.net, 0)::smallint AS v_net
         FROM assist_entry e JOIN a ON a.id = e.id LEFT JOIN v ON v.id = e.id JOIN bits ON bits.id = e.id LEFT JOIN an ON an.id = e.id LEFT JOIN vn ON vn.id = e.id`,
      [[...ASSIST_SERVICES]],
    );
  }

  private async buildVolunteerFacts(manager: EntityManager): Promise<void> {
    await manager.query(`DROP TABLE IF EXISTS rb_rollup_volunteer_fact`);
    await manager.query(
      `CREATE TEMP TABLE rb_rollup_volunteer_fact ON COMMIT DROP AS
       WITH activity AS (
              SELECT m AS member_id, e.id AS source_id, e.unit_id, e.occurred_on AS day, e.occurred_at AS at
                FROM assist_entry e CROSS JOIN unnest(e.volunteer_ids) AS m WHERE e.status = 'valid'
              UNION ALL
              SELECT a.member_id, s.id, s.unit_id, (s.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, s.starts_at
                FROM session_assignment a JOIN training_session s ON s.id = a.session_id
               WHERE a.status = 'accepted' AND s.status = 'held' AND s.attendance_logged_at IS NOT NULL),
            days AS (SELECT DISTINCT ON (member_id, day) member_id, day, unit_id FROM activity ORDER BY member_id, day, at, source_id)
       SELECT member_id, day, unit_id,
              (1 + ${FLAG.D}
               + (CASE WHEN row_number() OVER (PARTITION BY member_id, date_trunc('week', day) ORDER BY day) = 1 THEN ${FLAG.W} ELSE 0 END)
               + (CASE WHEN row_number() OVER (PARTITION BY member_id, date_trunc('month', day) ORDER BY day) = 1 THEN ${FLAG.M} ELSE 0 END)
               + (CASE WHEN row_number() OVER (PARTITION BY member_id, date_trunc('quarter', day) ORDER BY day) = 1 THEN ${FLAG.Q} ELSE 0 END)
               + (CASE WHEN row_number() OVER (PARTITION BY member_id, date_trunc('year', day) ORDER BY day) = 1 THEN ${FLAG.Y} ELSE 0 END)
               + (CASE WHEN row_number() OVER (PARTITION BY member_id ORDER BY day) = 1 THEN ${FLAG.ever} ELSE 0 END))::smallint AS flags
         FROM days`,
    );
  }

  private async buildSessionFacts(manager: EntityManager): Promise<void> {
    await manager.query(`DROP TABLE IF EXISTS rb_rollup_session_fact`);
    await manager.query(
      `CREATE TEMP TABLE rb_rollup_session_fact ON COMMIT DROP AS
       SELECT id AS session_id, unit_id, (starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, ${SESSION_RECORDS_SQL}
         FROM training_session WHERE status = 'held' AND attendance_logged_at IS NOT NULL`,
    );
  }

  /**
   * Cells from the rebuilt facts: each fact in every commune-or-higher unit on its path, per grain and basis. Facts are
   * first summed per nearest cell unit (a residential group's commune) and bucket, then spread to the units above.
   */
  private async buildCells(manager: EntityManager): Promise<void> {
    await manager.query(`DROP TABLE IF EXISTS rb_near, rb_up, rb_rollup_cell`);
    await manager.query(
      `CREATE TEMP TABLE rb_near ON COMMIT DROP AS
       SELECT u.id AS unit_id,
              (SELECT k.id FROM unnest(string_to_array(trim(both '/' from u.path), '/')::uuid[]) WITH ORDINALITY AS a(id, n)
                 JOIN admin_unit k ON k.id = a.id AND k.kind IN ${CELL_KINDS_SQL} ORDER BY a.n DESC LIMIT 1) AS near
         FROM admin_unit u`,
    );
    await manager.query(
      `CREATE TEMP TABLE rb_up ON COMMIT DROP AS
       SELECT DISTINCT n.near, k.id AS cell_id FROM (SELECT DISTINCT near FROM rb_near WHERE near IS NOT NULL) n JOIN admin_unit u ON u.id = n.near
         CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from u.path), '/')::uuid[]) AS anc(id) JOIN admin_unit k ON k.id = anc.id AND k.kind IN ${CELL_KINDS_SQL}`,
    );
    await manager.query(`ANALYZE rb_near, rb_up`);
    const parts = factParts(
      (grain, basis, measures, table) =>
        `SELECT up.cell_id AS unit_id, '${grain}'::char(1) AS grain, agg.bucket, ${basis}::smallint AS basis, ${MEASURES.map((m) => (measures[m] ? `sum(agg.${q(m)})` : '0')).join(', ')}
         FROM (SELECT n.near, ${bucketSql(grain as never, 'f.day')} AS bucket, ${Object.entries(measures)
           .map(([m, sql]) => `${sql} AS ${q(m)}`)
           .join(', ')}
                 FROM ${table} f JOIN rb_near n ON n.unit_id = f.unit_id GROUP BY 1, 2) agg
         JOIN rb_up up ON up.near = agg.near GROUP BY 1, 2, 3, 4`,
    );
    await manager.query(
      `CREATE TEMP TABLE rb_rollup_cell ON COMMIT DROP AS
       SELECT unit_id, grain, bucket, basis, ${MEASURES.map((m, i) => `sum(x.c${i})::int AS ${q(m)}`).join(', ')}
         FROM (${parts.join('\nUNION ALL\n')}) AS x(unit_id, grain, bucket, basis, ${MEASURES.map((_, i) => `c${i}`).join(', ')})
        GROUP BY 1, 2, 3, 4
       HAVING ${MEASURES.map((_, i) => `sum(x.c${i}) <> 0`).join(' OR ')}`,
    );
  }

  /** Replaces a table's rows with the rebuilt ones (in `order`, to lay a small table out by its key). */
  private async replace(manager: EntityManager, table: string, cols: string[], order?: string[]): Promise<void> {
    const list = cols.map(q).join(', ');
    await manager.query(`DELETE FROM ${table}`);
    await manager.query(`INSERT INTO ${table} (${list}) SELECT ${list} FROM rb_${table}${order ? ` ORDER BY ${order.map(q).join(', ')}` : ''}`);
  }

  /**
   * Mapped cells of today's tree from the rebuilt facts (`facts` "rb_") or the stored ones (""): every unit not in
   * force today, with its shares of the units in force (GeographyMap.mappedShares, the same numbers the projector
   * uses), times its facts summed per bucket.
   */
  private async buildMappedCells(manager: EntityManager, facts: 'rb_' | ''): Promise<{ day: string; signature: string }> {
    const day = this.clock.today();
    await this.maps.reload();
    const map = await this.maps.forDay(day);
    const old = (await manager.query(
      `SELECT id FROM admin_unit WHERE COALESCE(valid_from, '-infinity') > $1::date OR COALESCE(valid_to, 'infinity') < $1::date`,
      [day],
    )) as { id: string }[];
    const shares: [string, string, number][] = old.flatMap(({ id }) =>
      [...map.mappedShares(id, CELL_KINDS)].map(([target, share]) => [id, target, share] as [string, string, number]),
    );
    await manager.query(`DROP TABLE IF EXISTS rb_share, rb_rollup_mapped_cell`);
    await manager.query(
      `CREATE TEMP TABLE rb_share ON COMMIT DROP AS SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::numeric[]) AS s(unit_id, target_id, share)`,
      [shares.map((s) => s[0]), shares.map((s) => s[1]), shares.map((s) => String(s[2]))],
    );
    await manager.query(`ANALYZE rb_share`);
    const parts = factParts(
      (grain, basis, measures, table) =>
        `SELECT s.target_id AS unit_id, '${grain}'::char(1) AS grain, agg.bucket, ${basis}::smallint AS basis, s.share <> trunc(s.share) AS split,
              ${MEASURES.map((m) => (measures[m] ? `sum(agg.${q(m)} * s.share)` : '0')).join(', ')}
         FROM (SELECT f.unit_id, ${bucketSql(grain as never, 'f.day')} AS bucket, ${Object.entries(measures)
           .map(([m, sql]) => `${sql} AS ${q(m)}`)
           .join(', ')}
                 FROM ${table} f WHERE f.unit_id IN (SELECT unit_id FROM rb_share) GROUP BY 1, 2) agg
         JOIN rb_share s ON s.unit_id = agg.unit_id GROUP BY 1, 2, 3, 4, 5`,
      facts,
    );
    await manager.query(
      `CREATE TEMP TABLE rb_rollup_mapped_cell ON COMMIT DROP AS
       SELECT unit_id, grain, bucket, basis, split, ${MEASURES.map((m, i) => `sum(x.c${i}) AS ${q(m)}`).join(', ')}
         FROM (${parts.join('\nUNION ALL\n')}) AS x(unit_id, grain, bucket, basis, split, ${MEASURES.map((_, i) => `c${i}`).join(', ')})
        GROUP BY 1, 2, 3, 4, 5
       HAVING ${MEASURES.map((_, i) => `sum(x.c${i}) <> 0`).join(' OR ')}`,
    );
    return { day, signature: map.signature(CELL_KINDS) };
  }

  /**
   * Tree cells from the cells (rebuilt: `cells` "rb_", or stored: "") and the rebuilt mapped cells: all time, for
   * every commune-or-higher unit in force on the geography day, its cell plus its mapped cell, keyed by its parent.
   */
  private async buildTreeCells(manager: EntityManager, day: string, cells: 'rb_' | ''): Promise<void> {
    await manager.query(`DROP TABLE IF EXISTS rb_rollup_tree_cell`);
    await manager.query(
      `CREATE TEMP TABLE rb_rollup_tree_cell ON COMMIT DROP AS
       SELECT COALESCE(u.parent_id, '${NO_PARENT}'::uuid) AS parent_id, x.basis, x.unit_id, x.split, ${MEASURES.map((m) => `sum(x.${q(m)}) AS ${q(m)}`).join(', ')}
         FROM (SELECT unit_id, basis, false AS split, ${MEASURES.map((m) => `${q(m)}::numeric AS ${q(m)}`).join(', ')} FROM ${cells}rollup_cell WHERE grain = 'A'
               UNION ALL
               SELECT unit_id, basis, split, ${MEASURES.map(q).join(', ')} FROM rb_rollup_mapped_cell WHERE grain = 'A') x
         JOIN admin_unit u ON u.id = x.unit_id AND COALESCE(u.valid_from, '-infinity') <= $1::date AND COALESCE(u.valid_to, 'infinity') >= $1::date
        GROUP BY 1, 2, 3, 4
       HAVING ${MEASURES.map((m) => `sum(x.${q(m)}) <> 0`).join(' OR ')}`,
      [day],
    );
  }

  /**
   * Rows of the rebuilt table and the stored one, how many differ (missing on either side, or another value), and a
   * few of them.
   */
  private async compare(manager: EntityManager, table: string, keys: string[], values: string[]): Promise<TableCheck> {
    const on = keys.map((k) => `r.${q(k)} = s.${q(k)}`).join(' AND ');
    const differs = `r.${q(keys[0])} IS NULL OR s.${q(keys[0])} IS NULL OR ${values.map((v) => `r.${q(v)} IS DISTINCT FROM s.${q(v)}`).join(' OR ')}`;
    const [row] = (await manager.query(
      `SELECT (SELECT count(*) FROM rb_${table})::int AS expected, (SELECT count(*) FROM ${table})::int AS stored,
              (SELECT count(*) FROM rb_${table} r FULL JOIN ${table} s ON ${on} WHERE ${differs})::int AS different`,
    )) as Omit<TableCheck, 'samples'>[];
    if (row.different === 0) return { ...row, samples: [] };
    const key = keys.map((k) => `COALESCE(r.${q(k)}, s.${q(k)})::text`).join(` || '/' || `);
    const samples = (await manager.query(
      `SELECT CASE WHEN s.${q(keys[0])} IS NULL THEN 'missing ' WHEN r.${q(keys[0])} IS NULL THEN 'extra ' ELSE 'changed ' END || ${key} AS key
         FROM rb_${table} r FULL JOIN ${table} s ON ${on} WHERE ${differs} ORDER BY 1 LIMIT ${SAMPLES}`,
    )) as { key: string }[];
    return { ...row, samples: samples.map((s) => s.key) };
  }
}
