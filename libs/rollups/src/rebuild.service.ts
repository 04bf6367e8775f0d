import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ASSIST_SERVICES } from '@cdtg/assists';
import { Basis, FLAG, MEASURES } from './measures';
import { todayInVietnam } from '@cdtg/geography';
import { GeographyMapService } from './geography-map.service';
import { CELL_KINDS, CELL_KINDS_SQL } from './cell-kinds';
import { ROLLUP_LOCK } from './projector.service';
import { NO_PARENT } from './rollup.entities';
import { bucketSql, entryMeasuresSql, RollupRepository, sessionMeasuresSql, volunteerMeasuresSql } from './rollup.repository';
import { STORED_GRAINS } from './periods';

export interface TableCheck {
  /** Rows the rebuild computed from raw records. */
  expected: number;
  /** Rows the incremental projection holds. */
  stored: number;
  /** Rows missing, extra or with another value. */
  different: number;
}

export interface RebuildReport {
  mode: 'verify' | 'repair';
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
  /** True when the incremental tables equal the rebuild (there must be no difference). */
  consistent: boolean;
  /** True when the tables were replaced by the rebuild. */
  repaired: boolean;
  ms: number;
}

const q = (name: string) => `"${name}"`;
const FIRST = (partition: string, bit: number) => `(CASE WHEN row_number() OVER (PARTITION BY ${partition} ORDER BY occurred_at, id) = 1 THEN ${bit} ELSE 0 END)`;

/** One SELECT per stored grain and fact table (entries in both bases), each made by `select` from the measures' SQL. */
function factParts(select: (grain: string, basis: Basis, measures: Record<string, string>, table: string) => string): string[] {
  return STORED_GRAINS.flatMap((grain) => [
    ...[Basis.All, Basis.Verified].map((basis) => select(grain, basis, entryMeasuresSql(grain, basis), 'rb_rollup_entry_fact')),
    select(grain, Basis.All, volunteerMeasuresSql(grain), 'rb_rollup_volunteer_fact'),
    select(grain, Basis.All, sessionMeasuresSql(), 'rb_rollup_session_fact'),
  ]);
}

/**
 * The full rebuild: recomputes every fact from the raw records with set-based SQL (window functions: an independent
 * implementation of the rules in facts.ts) and every cell from the facts, then compares with what the incremental
 * projection holds. `verify` reports the differences (there must be none: the nightly check); `repair` also replaces
 * the tables (the backfill command, and the way to adopt a changed rule or a reorganisation imported later). Holds the
 * rollup lock exclusively, so no projection is half-applied on either side.
 */
@Injectable()
export class RebuildService {
  private readonly logger = new Logger(RebuildService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly maps: GeographyMapService = new GeographyMapService(dataSource),
    private readonly repository: RollupRepository = new RollupRepository(dataSource),
  ) {}

  async run(mode: 'verify' | 'repair'): Promise<RebuildReport> {
    const started = Date.now();
    const report = await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock($1)`, [ROLLUP_LOCK]);
      await manager.query(`SET LOCAL work_mem = '256MB'`);
      await this.buildEntryFacts(manager);
      await this.buildVolunteerFacts(manager);
      await this.buildSessionFacts(manager);
      await this.buildCells(manager);
      const geography = await this.buildMappedCells(manager);
      await this.buildTreeCells(manager, geography.day);
      const stored = await this.repository.geography(manager);
      const moved = !stored || stored.stale || stored.signature !== geography.signature;
      const entryFacts = await this.compare(manager, 'rollup_entry_fact', ['entry_id'], ['household_id', 'unit_id', 'day', 'a_flags', 'v_flags', 'done_bits', 'follow_up_bits', 'a_net', 'v_net']);
      const volunteerFacts = await this.compare(manager, 'rollup_volunteer_fact', ['member_id', 'day'], ['unit_id', 'flags']);
      const sessionFacts = await this.compare(manager, 'rollup_session_fact', ['session_id'], ['unit_id', 'day', 'participants', 'trained']);
      const cells = await this.compare(manager, 'rollup_cell', ['unit_id', 'grain', 'bucket', 'basis'], [...MEASURES]);
      const mappedCells = await this.compare(manager, 'rollup_mapped_cell', ['unit_id', 'grain', 'bucket', 'basis', 'split'], [...MEASURES]);
      const treeCells = await this.compare(manager, 'rollup_tree_cell', ['parent_id', 'basis', 'unit_id', 'split'], [...MEASURES]);
      // Mapped and tree cells of another geography (or left stale by a change of the tree) are a cache to refill, not a difference.
      const consistent = [entryFacts, volunteerFacts, sessionFacts, cells, ...(moved ? [] : [mappedCells, treeCells])].every((c) => c.different === 0);
      if (moved || (mode === 'repair' && mappedCells.different > 0)) await this.replace(manager, 'rollup_mapped_cell', ['unit_id', 'grain', 'bucket', 'basis', 'split', ...MEASURES]);
      if (moved || (mode === 'repair' && treeCells.different > 0)) await this.replace(manager, 'rollup_tree_cell', ['parent_id', 'basis', 'unit_id', 'split', ...MEASURES], ['parent_id', 'basis', 'unit_id', 'split']);
      await manager.query(
        `INSERT INTO rollup_geography (id, day, signature, stale, built_at) VALUES (1, $1, $2, false, now())
         ON CONFLICT (id) DO UPDATE SET day = EXCLUDED.day, signature = EXCLUDED.signature, stale = false, built_at = now()`,
        moved ? [geography.day, geography.signature] : [stored!.day, stored!.signature],
      );
      if (mode === 'repair' && !consistent) {
        const columns: Record<string, string[]> = {
          rollup_entry_fact: ['entry_id', 'household_id', 'unit_id', 'day', 'a_flags', 'v_flags', 'done_bits', 'follow_up_bits', 'a_net', 'v_net'],
          rollup_volunteer_fact: ['member_id', 'day', 'unit_id', 'flags'],
          rollup_session_fact: ['session_id', 'unit_id', 'day', 'participants', 'trained'],
          rollup_cell: ['unit_id', 'grain', 'bucket', 'basis', ...MEASURES],
        };
        for (const [table, cols] of Object.entries(columns)) await this.replace(manager, table, cols);
      }
      return {
        mode,
        entryFacts,
        volunteerFacts,
        sessionFacts,
        cells,
        mappedCells,
        treeCells,
        geography: { day: moved ? geography.day : stored!.day, moved },
        consistent,
        repaired: mode === 'repair' && !consistent,
      };
    });
    const result = { ...report, ms: Date.now() - started };
    if (result.repaired) this.logger.log(`Rollups replaced by a rebuild from raw records: ${JSON.stringify(result)}`);
    else if (!result.consistent) this.logger.error(`Rollup check found differences: ${JSON.stringify(result)}`);
    else this.logger.log(`Rollup check: incremental tables equal the rebuild (${result.ms} ms)`);
    return result;
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
       SELECT id AS session_id, unit_id, (starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, coalesce(participants_total, 0) AS participants,
              ARRAY[coalesce(female_under_35, 0), coalesce(female_35_59, 0), coalesce(female_60_plus, 0),
                    coalesce(male_under_35, 0), coalesce(male_35_59, 0), coalesce(male_60_plus, 0)] AS trained
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
    const parts = factParts((grain, basis, measures, table) =>
      `SELECT up.cell_id AS unit_id, '${grain}'::char(1) AS grain, agg.bucket, ${basis}::smallint AS basis, ${MEASURES.map((m) => (measures[m] ? `sum(agg.${q(m)})` : '0')).join(', ')}
         FROM (SELECT n.near, ${bucketSql(grain as never, 'f.day')} AS bucket, ${Object.entries(measures).map(([m, sql]) => `${sql} AS ${q(m)}`).join(', ')}
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
   * Mapped cells of today's tree from the rebuilt facts: every unit not in force today, with its shares of the units in
   * force (GeographyMap.mappedShares, the same numbers the projector uses), times its facts summed per bucket.
   */
  private async buildMappedCells(manager: EntityManager): Promise<{ day: string; signature: string }> {
    const day = todayInVietnam();
    await this.maps.reload();
    const map = await this.maps.forDay(day);
    const old = (await manager.query(
      `SELECT id FROM admin_unit WHERE COALESCE(valid_from, '-infinity') > $1::date OR COALESCE(valid_to, 'infinity') < $1::date`,
      [day],
    )) as { id: string }[];
    const shares: [string, string, number][] = old.flatMap(({ id }) => [...map.mappedShares(id, CELL_KINDS)].map(([target, share]) => [id, target, share] as [string, string, number]));
    await manager.query(`DROP TABLE IF EXISTS rb_share, rb_rollup_mapped_cell`);
    await manager.query(
      `CREATE TEMP TABLE rb_share ON COMMIT DROP AS SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::numeric[]) AS s(unit_id, target_id, share)`,
      [shares.map((s) => s[0]), shares.map((s) => s[1]), shares.map((s) => String(s[2]))],
    );
    await manager.query(`ANALYZE rb_share`);
    const parts = factParts((grain, basis, measures, table) =>
      `SELECT s.target_id AS unit_id, '${grain}'::char(1) AS grain, agg.bucket, ${basis}::smallint AS basis, s.share <> trunc(s.share) AS split,
              ${MEASURES.map((m) => (measures[m] ? `sum(agg.${q(m)} * s.share)` : '0')).join(', ')}
         FROM (SELECT f.unit_id, ${bucketSql(grain as never, 'f.day')} AS bucket, ${Object.entries(measures).map(([m, sql]) => `${sql} AS ${q(m)}`).join(', ')}
                 FROM ${table} f WHERE f.unit_id IN (SELECT unit_id FROM rb_share) GROUP BY 1, 2) agg
         JOIN rb_share s ON s.unit_id = agg.unit_id GROUP BY 1, 2, 3, 4, 5`,
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
   * Tree cells from the rebuilt cells and mapped cells: all time, for every commune-or-higher unit in force on the
   * geography day, its cell plus its mapped cell, keyed by its parent.
   */
  private async buildTreeCells(manager: EntityManager, day: string): Promise<void> {
    await manager.query(`DROP TABLE IF EXISTS rb_rollup_tree_cell`);
    await manager.query(
      `CREATE TEMP TABLE rb_rollup_tree_cell ON COMMIT DROP AS
       SELECT COALESCE(u.parent_id, '${NO_PARENT}'::uuid) AS parent_id, x.basis, x.unit_id, x.split, ${MEASURES.map((m) => `sum(x.${q(m)}) AS ${q(m)}`).join(', ')}
         FROM (SELECT unit_id, basis, false AS split, ${MEASURES.map((m) => `${q(m)}::numeric AS ${q(m)}`).join(', ')} FROM rb_rollup_cell WHERE grain = 'A'
               UNION ALL
               SELECT unit_id, basis, split, ${MEASURES.map(q).join(', ')} FROM rb_rollup_mapped_cell WHERE grain = 'A') x
         JOIN admin_unit u ON u.id = x.unit_id AND COALESCE(u.valid_from, '-infinity') <= $1::date AND COALESCE(u.valid_to, 'infinity') >= $1::date
        GROUP BY 1, 2, 3, 4
       HAVING ${MEASURES.map((m) => `sum(x.${q(m)}) <> 0`).join(' OR ')}`,
      [day],
    );
  }

  /** Rows of the rebuilt table and the stored one, and how many differ (missing on either side, or another value). */
  private async compare(manager: EntityManager, table: string, keys: string[], values: string[]): Promise<TableCheck> {
    const on = keys.map((k) => `r.${q(k)} = s.${q(k)}`).join(' AND ');
    const differs = values.map((v) => `r.${q(v)} IS DISTINCT FROM s.${q(v)}`).join(' OR ');
    const [row] = (await manager.query(
      `SELECT (SELECT count(*) FROM rb_${table})::int AS expected, (SELECT count(*) FROM ${table})::int AS stored,
              (SELECT count(*) FROM rb_${table} r FULL JOIN ${table} s ON ${on} WHERE r.${q(keys[0])} IS NULL OR s.${q(keys[0])} IS NULL OR ${differs})::int AS different`,
    )) as TableCheck[];
    return row;
  }
}
