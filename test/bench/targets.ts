import { DataSource } from 'typeorm';
import { EVERYTHING } from '@cdtg/access';
import { Basis, CoverageLevel, CoverageService, Period } from '@cdtg/rollups';
import { compare } from './stats';
import { Places, Result } from './scenarios';

/** The measures a department typically sets targets for (a percentage and counts). */
const MEASURES: [string, string, number][] = [
  ['coverage', 'percent', 60],
  ['coverage_vneid_level2', 'percent', 40],
  ['households', 'count', 500],
  ['sessions_held', 'count', 4],
  ['participants', 'count', 120],
];

/**
 * 1t: coverage with targets vs without. Every commune of the province gets five targets for October 2026; the
 * province's communes by month are asked for October with the targets (every row carries target, actual, gap, behind
 * plan: the targets ride on the freshness statement) and without them (the same statements, the targets' subquery
 * finding none), alternating. The targets are removed afterwards. Target: the p95 bound of line 1 (< 20 ms) with targets.
 */
export async function targetsScenario(dataSource: DataSource, coverage: CoverageService, places: Places, runs: number, warmupMs: number): Promise<Result> {
  const [{ n }] = (await dataSource.query(
    `WITH p AS (SELECT id FROM admin_unit WHERE code = $1 AND valid_to IS NULL),
          c AS (SELECT u.id FROM admin_unit u JOIN p ON u.parent_id = p.id WHERE u.valid_to IS NULL AND u.kind IN ('commune', 'special_zone')),
          ins AS (INSERT INTO coverage_target (unit_id, measure, grain, period_start, kind, value, updated_by)
                  SELECT c.id, m.measure, 'M', '2026-10-01', m.kind, m.value, 'bench' FROM c CROSS JOIN unnest($2::text[], $3::text[], $4::numeric[]) AS m(measure, kind, value)
                  ON CONFLICT DO NOTHING RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [places.province, MEASURES.map((m) => m[0]), MEASURES.map((m) => m[1]), MEASURES.map((m) => m[2])],
  )) as { n: number }[];
  try {
    const october = () =>
      coverage.coverage(EVERYTHING, {
        unitCode: places.province,
        level: CoverageLevel.Commune,
        period: Period.Month,
        from: '2026-10-01',
        to: '2026-10-31',
        geographyAsOf: places.today,
        basis: Basis.All,
      });
    const carrying = (await october()).rows.filter((r) => r.targets.length === MEASURES.length).length;
    // The same question with the targets and without them: between two timed answers the targets are switched on or
    // off (their grain set to M, or to a grain no question asks for; not timed), the order alternating by round.
    const toggle = (on: boolean) => dataSource.query(`UPDATE coverage_target SET grain = $1 WHERE updated_by = 'bench'`, [on ? 'M' : '-']);
    const time = async () => {
      const started = process.hrtime.bigint();
      await october();
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const withMs: number[] = [];
    const withoutMs: number[] = [];
    const warmUntil = Date.now() + warmupMs;
    for (let i = 0; i < Math.max(2, Math.ceil(runs / 5)) || Date.now() < warmUntil; i++) {
      for (const on of [true, false]) {
        await toggle(on);
        await october();
      }
    }
    for (let round = 0; round < runs; round++) {
      for (const on of round % 2 === 0 ? [true, false] : [false, true]) {
        await toggle(on);
        (on ? withMs : withoutMs).push(await time());
      }
    }
    const c = compare(withMs, withoutMs);
    return {
      scenario: `1t. coverage of a province's communes for a month (October 2026) with targets vs without`,
      unit: 'ms',
      ours: c.ours,
      baseline: c.baseline,
      ratio: c.ratio,
      ratioInterval: c.ratioInterval,
      target: 'p95 < 20 ms with targets',
      met: c.ours.p95 < 20,
      note: `${n.toLocaleString('en-US')} targets (${MEASURES.length} per commune); ${carrying} rows carry them; ratio = without ÷ with (1 = no cost)`,
    };
  } finally {
    await dataSource.query(`DELETE FROM coverage_target WHERE updated_by = 'bench'`);
  }
}
