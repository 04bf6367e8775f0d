import { MAX_COVERAGE_BUCKETS } from '@cdtg/rollups';
import { systemClock } from '@cdtg/time';

/**
 * What the expensive root fields cost in the complexity estimate, in points. One point is what a cheap field costs
 * (`simpleEstimator`: 1), which measured ≈ 0.1 ms: 20 aliased `version` took 8.0 ms against 6.3 ms for one. So a cost
 * here is ≈ the field's own server time in tenths of a millisecond, and the whole budget (GRAPHQL_MAX_COMPLEXITY,
 * 20,000) is ≈ 2 s of work. The field's selection is added on top (lists: 10 items, or `first`), as for any field.
 *
 * Measured on the demo city (5,247 units, 2,422 residential groups, 12,922 members, 48,429 assistance entries, the
 * rollups built), over HTTP on this 2-core machine, medians of 5–7 calls, minus ≈ 3 ms for the request itself
 * (`{ version }`: 2.9–6.3 ms; `{ me { id } }`: 5–8 ms). They depend on the arguments (units × periods), so each is
 * priced near a typical dashboard call, with the range written beside it; the alias cap (MAX_ALIASES_EXPENSIVE) bounds
 * the worst case. Every field here is "expensive" for that cap.
 *
 * Re-measure with the demo city loaded (test/e2e/rollups.e2e-spec.ts shows how) when a field's implementation
 * changes. A field can also carry its own cost with the `complexity` option of @Query/@Mutation/@ResolveField/@Field
 * (read by fieldExtensionsEstimator); this table wins when both are set.
 */
export const FIELD_COSTS: Readonly<Record<string, number>> = {
  // Rollups. coverage: 40 ms (city → its communes, cumulative; 20 ms selecting only `source`), 147 ms (a commune →
  // its residential groups), 700 ms (city → communes by month, 17 months), 965 ms (city → its 2,422 residential
  // groups), 3.5 s (city → communes by week, 70 weeks; the service's limit is 20,000 cells).
  'Query.coverage': 2_000,
  // coverageTrend: 26 ms (city by month), 100 ms (a commune by week), 490 ms–1.2 s (city by day over 400 days).
  'Query.coverageTrend': 1_000,
  // lowestCoverage: 20 ms (the city's communes), 230–400 ms (the city's residential groups); plus `first` × a row.
  'Query.lowestCoverage': 3_000,
  // exportCoverage: the request 13–76 ms, then a job in the worker: 90 ms (CSV, cumulative), 330 ms (CSV by month),
  // 1.2–1.5 s (XLSX). Each call writes a coverage_export row and queues a job.
  'Mutation.exportCoverage': 5_000,

  // Geography. unitSubtree: 125 ms (city, 216 KB); exportUnitsCsv: 83 ms (350 KB); exportReorganisationsCsv: 49 ms
  // (208 KB). Imports grow with the CSV (up to MAX_REQUEST_BYTES): importUnits 510 ms and importReorganisations 1.4 s
  // for the city's own files re-imported.
  'Query.unitSubtree': 1_200,
  'Query.exportUnitsCsv': 800,
  'Query.exportReorganisationsCsv': 500,
  'Mutation.importUnits': 5_000,
  'Mutation.importReorganisations': 14_000,

  // Household counts: householdCounts 102 ms (city, 88 KB); importHouseholdCounts 71 ms (2,422 rows).
  'Query.householdCounts': 1_000,
  'Mutation.importHouseholdCounts': 1_000,

  // Targets: priced like household counts (one upsert statement for the import, one indexed read for the list; an
  // 8-row import took ≈ 30 ms in test/e2e/targets.e2e-spec.ts; not measured at city scale).
  'Query.targets': 1_000,
  'Mutation.importTargets': 1_000,

  // Directory import: the request stores the CSV and queues a job that writes the rows (not timed; priced as
  // importUnits, the other row-by-row CSV import).
  'Mutation.importDirectoryCsv': 5_000,

  // Assistance entries: logAssists 52 ms (1 entry) to 250–340 ms (500, the most); verifyAssistEntries 163 ms (500).
  'Mutation.logAssists': 3_000,
  'Mutation.verifyAssistEntries': 1_600,

  // Sessions: sessionSuggestions 55–90 ms (first 10); plus `first` × a suggestion.
  'Query.sessionSuggestions': 600,

  // Password hashing (Argon2id, 19 MiB, on the event loop): signIn 115–240 ms (a wrong password included).
  'Mutation.signIn': 1_500,
  'Mutation.acceptInvitation': 1_500,
  'Mutation.resetPassword': 1_500,
  'Mutation.changePassword': 1_500,

  // One e-mail each (a queued job): requestPasswordReset 18 ms for the request.
  'Mutation.requestPasswordReset': 200,
  'Mutation.requestSignInLink': 200,
  'Mutation.inviteUser': 200,
  'Mutation.sendTestEmail': 200,
};

/**
 * Coverage questions cost what they ask for: their measured time grows with the cells of the answer (units × periods),
 * about 0.5 ms a cell on the demo city (city → communes: 1,581 cells by month 700 ms, 6,510 by week 3.5 s; 2,422
 * residential groups, cumulative 965 ms), so 2 points a cell (0.2 ms, the cells' time shared with the rest of the
 * answer); a trend (one unit) about 3 points a period (city by day over 400 days: 1.2 s). The units a level holds are
 * estimated from the arguments alone (no database before the gate): a province's communes or a city's residential
 * groups at the most. The table above is the least a question costs.
 */
const UNITS_AT_LEVEL: Record<string, number> = { province: 34, district: 20, commune: 100, residential_group: 2_500 };
const POINTS_PER_CELL = 2;
const POINTS_PER_TREND_PERIOD = 3;

/**
 * How many periods of `period` the range from…to spans (1 for Cumulative or a range that does not parse); `to` defaults
 * to today in Vietnam, as the coverage questions' own default does. The system clock: a price, not a rule.
 */
export function periodsInRange(period: unknown, from: unknown, to: unknown, today = systemClock.today()): number {
  const end = typeof to === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(to) ? to : today;
  const start = typeof from === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(from) ? from : end;
  const days = Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
  if (!Number.isFinite(days) || days < 0) return 1;
  const months = (Number(end.slice(0, 4)) - Number(start.slice(0, 4))) * 12 + Number(end.slice(5, 7)) - Number(start.slice(5, 7));
  switch (String(period).toUpperCase()) {
    case 'DAY':
      return days + 1;
    case 'WEEK':
      return Math.floor(days / 7) + 2;
    case 'MONTH':
      return months + 1;
    case 'QUARTER':
      return Math.floor(months / 3) + 2;
    case 'YEAR':
      return Number(end.slice(0, 4)) - Number(start.slice(0, 4)) + 1;
    default:
      return 1;
  }
}

/** The cost of a priced field for these arguments: the table's price, or more when the question asks for more. */
export function argumentCost(field: string, args: Record<string, unknown>): number | undefined {
  const base = FIELD_COSTS[field];
  if (base === undefined) return undefined;
  // Arguments arrive coerced: an enum as its internal value (CoverageLevel.Commune is 'commune').
  const units = UNITS_AT_LEVEL[String(args.level)] ?? 100;
  const periods = periodsInRange(args.period, args.from, args.to);
  // A range longer than the domain allows is refused at once, naming `from`: no reason to price it.
  if (periods > MAX_COVERAGE_BUCKETS + 1) return base;
  switch (field) {
    case 'Query.coverage':
    case 'Mutation.exportCoverage':
      return Math.max(base, POINTS_PER_CELL * units * periods);
    case 'Query.lowestCoverage':
      return Math.max(base, POINTS_PER_CELL * units);
    case 'Query.coverageTrend':
      return Math.max(base, POINTS_PER_TREND_PERIOD * periods);
    default:
      return base;
  }
}

/** Selections of one field (distinct aliases) allowed at one level of an operation. */
export const MAX_ALIASES = 20;
/** The same for the fields of FIELD_COSTS. */
export const MAX_ALIASES_EXPENSIVE = 5;
/** Field selections visited, fragments expanded, before an operation is refused as too large to analyse. */
export const MAX_SELECTIONS = 10_000;
