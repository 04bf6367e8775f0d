/**
 * The baseline a competent team without cdtg would build for coverage: a summary table per unit and month (a
 * materialized view) refreshed every night, plus a raw GROUP BY of what came in since the refresh.
 *
 * `bench_unit_month` holds, per unit an entry was logged in and month of `occurred_on`, over the valid entries the
 * refresh saw: entries, entries verified, and two household counts that can be summed:
 * - `households`: households whose first valid entry ever (in `occurred_at, id` order) is in this unit and month.
 *   Summed over a subtree's units and the months up to a day, that is the households reached to date there, each in
 *   the unit of its first entry (the counting rule of the rollups). Plain distinct counts per unit and month cannot be
 *   summed across months (a household helped in two months would count twice), nor can "first reached in this unit"
 *   (a household helped in an old residential group before the 2025 reform and in its successor after it would count
 *   twice in the new commune). Known inaccuracy: a household first reached outside the subtree is not counted in it
 *   when it is helped there later (the raw GROUP BY counts it; the rollups do not either).
 * - `households_month`: households whose first valid entry of the month is in this unit (a month's distinct households).
 *
 * The refresh closes the days before `day` (the refresh ran at the start of that day) and the entries created up to
 * `refreshed_at` (both in `bench_unit_month_state`). A read sums the summary's rows of the subtree's units (the same
 * units, subtree as an index range on `admin_unit.path` and one reorganisation hop, as the raw GROUP BY) over the
 * whole months it covers, and adds a raw GROUP BY of the rest: every valid entry from the first day the summary does not
 * cover up to the end of the question (today's entries, or a partial month), and the entries created since the refresh
 * for earlier days (late records, found through a BRIN index on `created_at`, which the baseline adds: assist_entry
 * has no index on it). A raw entry counts a household when no earlier valid entry of that household exists in the
 * period (one probe of the household index per entry).
 *
 * So the answer is exact for entries inserted since the refresh; what it misses until the next refresh is what
 * changed in place: entries voided, verified or amended since (the summary still holds them as they were), and a late
 * record dated before a household's counted first entry counts that household a second time. Without the raw part it
 * is up to a day behind (the refresh interval). The benchmark data's entries were all created at generation time, so
 * the last day of the data (`day`, the benchmark's "today") stands in for the entries that arrived since the night's
 * refresh: the summary holds the days before it.
 *
 * Everything lives in the benchmark database only (prefix `bench_`), never in the app's migrations.
 */
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

export const SUMMARY_VIEW = 'bench_unit_month';

const DEFINITION = `
  SELECT unit_id, month, count(*)::int AS entries, count(*) FILTER (WHERE verified)::int AS verified,
         count(*) FILTER (WHERE first_ever)::int AS households, count(*) FILTER (WHERE first_in_month)::int AS households_month
    FROM (SELECT e.unit_id, date_trunc('month', e.occurred_on)::date AS month, e.verified_at IS NOT NULL AS verified,
                 lag(e.id) OVER w IS NULL AS first_ever,
                 date_trunc('month', e.occurred_on) IS DISTINCT FROM date_trunc('month', lag(e.occurred_on) OVER w) AS first_in_month
            FROM assist_entry e JOIN bench_unit_month_state s ON e.occurred_on < s.day AND e.created_at <= s.refreshed_at
           WHERE e.status = 'valid'
          WINDOW w AS (PARTITION BY e.household_id ORDER BY e.occurred_at, e.id)) x
   GROUP BY unit_id, month`;
// Unique (so REFRESH … CONCURRENTLY is possible) and covering: a unit's months are one index-only range.
const INDEX = `CREATE UNIQUE INDEX bench_unit_month_key ON ${SUMMARY_VIEW} (unit_id, month) INCLUDE (entries, verified, households, households_month)`;
const BRIN = 'bench_assist_entry_created_brin';
const VERSION = `cdtg bench summary ${createHash('sha1').update(DEFINITION).update(INDEX).digest('hex').slice(0, 12)}`;

export interface SummaryRefresh {
  /** The first day the summary does not hold, and the creation time up to which it holds entries (microseconds kept). */
  day: string;
  refreshedAt: string;
  /** REFRESH MATERIALIZED VIEW, then the VACUUM ANALYZE that makes its index-only reads possible. */
  refreshMs: number;
  vacuumMs: number;
  /** Set when this run had to create the BRIN index on assist_entry.created_at (once per database). */
  brinMs: number | null;
  rows: number;
  bytes: number;
}

/**
 * Creates the summary once (kept and reused, recreated if its definition changed) and refreshes it as the nightly job
 * would (timed): the refresh closes the days before `day`.
 */
export async function refreshSummary(dataSource: DataSource, day: string): Promise<SummaryRefresh> {
  await dataSource.query(`CREATE TABLE IF NOT EXISTS bench_unit_month_state (one boolean PRIMARY KEY DEFAULT true CHECK (one), day date NOT NULL, refreshed_at timestamptz NOT NULL)`);
  await dataSource.query(`INSERT INTO bench_unit_month_state (day, refreshed_at) VALUES ($1, now()) ON CONFLICT (one) DO NOTHING`, [day]);
  let brinMs: number | null = null;
  if (!(await dataSource.query(`SELECT 1 FROM pg_indexes WHERE indexname = $1`, [BRIN])).length) {
    const started = Date.now();
    await dataSource.query(`CREATE INDEX ${BRIN} ON assist_entry USING brin (created_at)`);
    brinMs = Date.now() - started;
  }
  const [view] = (await dataSource.query(`SELECT obj_description(c.oid, 'pg_class') AS version FROM pg_class c WHERE c.relname = $1 AND c.relkind = 'm'`, [SUMMARY_VIEW])) as { version: string | null }[];
  if (view?.version !== VERSION) {
    await dataSource.query(`DROP MATERIALIZED VIEW IF EXISTS ${SUMMARY_VIEW}`);
    await dataSource.query(`CREATE MATERIALIZED VIEW ${SUMMARY_VIEW} AS ${DEFINITION} WITH NO DATA`);
    await dataSource.query(INDEX);
    await dataSource.query(`COMMENT ON MATERIALIZED VIEW ${SUMMARY_VIEW} IS '${VERSION}'`);
  }
  const started = Date.now();
  // The nightly job: the watermark and the refresh in one transaction (the refresh sees every entry created before it),
  // with memory for the sort of every entry by household.
  const [{ refreshedAt }] = await dataSource.transaction(async (m) => {
    await m.query(`SET LOCAL work_mem = '512MB'`);
    const state = (await m.query(`UPDATE bench_unit_month_state SET day = $1, refreshed_at = now() RETURNING refreshed_at::text AS "refreshedAt"`, [day])) as { refreshedAt: string }[];
    await m.query(`REFRESH MATERIALIZED VIEW ${SUMMARY_VIEW}`);
    return state;
  });
  const refreshMs = Date.now() - started;
  const vacuumStarted = Date.now();
  await dataSource.query(`VACUUM (ANALYZE) ${SUMMARY_VIEW}`);
  const vacuumMs = Date.now() - vacuumStarted;
  const [{ rows, bytes }] = (await dataSource.query(`SELECT (SELECT count(*) FROM ${SUMMARY_VIEW})::int AS rows, pg_total_relation_size($1)::bigint AS bytes`, [SUMMARY_VIEW])) as {
    rows: number;
    bytes: string;
  }[];
  return { day, refreshedAt, refreshMs, vacuumMs, brinMs, rows, bytes: Number(bytes) };
}

export type SummaryPeriod = 'cumulative' | 'month';

/** One coverage question for the summary: its targets' units (the CTEs `target` and `units`, as the GROUP BY has them). */
export interface SummaryQuestion {
  scope: string;
  period: SummaryPeriod;
  /** A month's first day, or '-infinity' (to date). */
  from: string;
  to: string;
}

/**
 * The summary read of one question (rows: target, households, entries, verified), made as the team's code would: the
 * summary's rows of the whole months it covers, then the raw part, skipped when it cannot hold anything (a question
 * ending before the first day the summary does not cover still reads the late records). With `alone`, the summary
 * alone over the months up to `to` (the answer as of the last refresh, without the raw part).
 */
export function summaryQuery(q: SummaryQuestion, refresh: Pick<SummaryRefresh, 'day' | 'refreshedAt'>, alone = false): { sql: string; params: unknown[] } {
  const households = q.period === 'cumulative' ? 'households' : 'households_month';
  const cut = summaryCut(q.to, refresh.day);
  const window = (q.from > cut ? q.from : cut) <= q.to;
  // Per unit, one index-only range of the summary (LATERAL … OFFSET 0: the planner would flatten it and might hash the
  // whole summary).
  const summed = `SELECT units.target, sum(m.entries) AS entries, sum(m.verified) AS verified, sum(m.${households}) AS households
                    FROM units CROSS JOIN LATERAL (SELECT entries, verified, ${households} FROM ${SUMMARY_VIEW}
                                                    WHERE unit_id = units.id AND month >= :from::date AND month ${alone ? '<= :to::date' : '< :cut::date'} OFFSET 0) m
                   GROUP BY units.target`;
  if (alone) return bind(`WITH ${q.scope}, summed AS (${summed}) SELECT target, households::int, entries::int, verified::int FROM summed`, { from: q.from, to: q.to });
  // Every valid entry from the first day not in the summary to the end (an index range per unit), and the entries
  // created since the refresh for earlier days (late records: the BRIN index on created_at).
  const raw = [
    ...(window
      ? [
          `SELECT units.target, e.id, e.household_id, e.occurred_at, e.verified_at
             FROM units CROSS JOIN LATERAL (SELECT id, household_id, occurred_at, verified_at FROM assist_entry
                                             WHERE unit_id = units.id AND occurred_on >= greatest(:from::date, :cut::date) AND occurred_on <= :to::date AND status = 'valid' OFFSET 0) e`,
        ]
      : []),
    `SELECT units.target, e.id, e.household_id, e.occurred_at, e.verified_at
       FROM assist_entry e JOIN units ON units.id = e.unit_id
      WHERE e.created_at > :refreshed::timestamptz AND e.occurred_on < :cut::date AND e.occurred_on >= :from::date AND e.status = 'valid'`,
  ];
  return bind(
    `
    WITH ${q.scope},
         summed AS (${summed}),
         raw AS (${raw.join('\n UNION ALL\n')}),
         -- A raw entry counts its household when it is the household's first valid entry in the period.
         delta AS (SELECT raw.target, count(*) AS entries, count(*) FILTER (WHERE raw.verified_at IS NOT NULL) AS verified,
                          count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM assist_entry p
                                                              WHERE p.household_id = raw.household_id AND p.occurred_at <= raw.occurred_at AND (p.occurred_at, p.id) < (raw.occurred_at, raw.id)
                                                                AND p.occurred_on >= :from::date AND p.status = 'valid')) AS households
                     FROM raw GROUP BY raw.target)
    SELECT target, sum(households)::int AS households, sum(entries)::int AS entries, sum(verified)::int AS verified
      FROM (SELECT * FROM summed UNION ALL SELECT * FROM delta) x GROUP BY target`,
    { from: q.from, to: q.to, cut, refreshed: refresh.refreshedAt },
  );
}

/** Named parameters (:name, each followed by its cast) as $1, $2… in order of first use, with their values. */
function bind(sql: string, values: Record<string, unknown>): { sql: string; params: unknown[] } {
  const names: string[] = [];
  const text = sql.replace(new RegExp(`(?<!:):(${Object.keys(values).join('|')})(?=::)`, 'g'), (_, name: string) => {
    if (!names.includes(name)) names.push(name);
    return `$${names.indexOf(name) + 1}`;
  });
  return { sql: text, params: names.map((n) => values[n]) };
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The first day a question ending on `to` does not read from the summary: the day after the whole months up to `to`
 * (or its month's first day when `to` is inside a month), and no later than the refresh's `day` (the summary's row of
 * that month holds only the days before it).
 */
export function summaryCut(to: string, day: string): string {
  const after = nextDay(to);
  const cut = after.endsWith('-01') ? after : `${to.slice(0, 8)}01`;
  return cut < day ? cut : day;
}

/** Per target: households and entries. */
export type Figures = Map<string, { households: number; entries: number }>;

export const figuresOf = (rows: { target: string; households: number | string; entries: number | string }[]): Figures =>
  new Map(rows.map((r) => [r.target, { households: Number(r.households), entries: Number(r.entries) }]));

/** How far the summary's answer is from the others' (sums over the targets of absolute differences). */
export interface SummaryAccuracy {
  households: { total: number; vsGroupBy: number; vsOurs: number; groupByVsOurs: number; rawPart: number };
  entries: { total: number; vsGroupBy: number; vsOurs: number; groupByVsOurs: number; rawPart: number };
}

/**
 * Compares the summary's answer with the raw GROUP BY's and ours (the same question), and with the summary alone:
 * `rawPart` is what the raw part added (what a read of the summary alone, as of the last refresh, misses).
 */
export function accuracy(summary: Figures, groupBy: Figures, ours: Figures, summaryAlone: Figures): SummaryAccuracy {
  const targets = [...new Set([...summary.keys(), ...groupBy.keys(), ...ours.keys()])];
  const of = (f: Figures, t: string, k: 'households' | 'entries') => f.get(t)?.[k] ?? 0;
  const diff = (a: Figures, b: Figures, k: 'households' | 'entries') => targets.reduce((s, t) => s + Math.abs(of(a, t, k) - of(b, t, k)), 0);
  const measure = (k: 'households' | 'entries') => ({
    total: targets.reduce((s, t) => s + of(summary, t, k), 0),
    vsGroupBy: diff(summary, groupBy, k),
    vsOurs: diff(summary, ours, k),
    groupByVsOurs: diff(groupBy, ours, k),
    rawPart: targets.reduce((s, t) => s + of(summary, t, k) - of(summaryAlone, t, k), 0),
  });
  return { households: measure('households'), entries: measure('entries') };
}
