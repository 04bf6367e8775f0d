/**
 * The documents the console's dashboard sends (apps/web/src/department/Dashboard.tsx), field for field: the dashboard
 * load (scenario 10) and the memory soak (11) send them.
 */
const ROW =
  'unit { code name } periodStart periodEnd households householdsReached householdsReachedToDate coveragePercent entries sessionsHeld activeVolunteers followUpsOpen apportioned';
const REPORT = `unit { code name } geographyAsOf asOf { at pendingEvents } rows { ${ROW} }`;
const ARGS = '$unitCode: String!, $from: String, $to: String, $geographyAsOf: String, $basis: CountBasis!';
export const COVERAGE = `query(${ARGS}, $level: CoverageLevel!, $period: Period!) {
  coverage(unitCode: $unitCode, level: $level, period: $period, from: $from, to: $to, geographyAsOf: $geographyAsOf, basis: $basis) { ${REPORT} } }`;
export const LOWEST = `query($unitCode: String!, $to: String, $geographyAsOf: String, $basis: CountBasis!, $level: CoverageLevel!) {
  lowestCoverage(unitCode: $unitCode, level: $level, first: 8, to: $to, geographyAsOf: $geographyAsOf, basis: $basis) { rows { ${ROW} } } }`;
export const TREND = `query(${ARGS}, $period: Period!) {
  coverageTrend(unitCode: $unitCode, period: $period, from: $from, to: $to, geographyAsOf: $geographyAsOf, basis: $basis) { ${REPORT} } }`;
export const EXPORT = `mutation($unitCode: String!, $level: CoverageLevel!, $period: Period!, $from: String, $to: String, $geographyAsOf: String, $basis: CountBasis!, $format: ExportFormat!, $language: Language!) {
          exportCoverage(unitCode: $unitCode, level: $level, period: $period, from: $from, to: $to, geographyAsOf: $geographyAsOf, basis: $basis, format: $format, language: $language) { id } }`;
export const EXPORT_STATUS = `query($id: UUID!) { coverageExport(id: $id) { status downloadUrl filename rows failure } }`;

/** Parts of the console's documents that the smoke test finds in Dashboard.tsx, so that these cannot drift from it. */
export const CONSOLE_DOCUMENTS = [
  ROW,
  ARGS,
  'coverage(unitCode: $unitCode, level: $level, period: $period, from: $from, to: $to, geographyAsOf: $geographyAsOf, basis: $basis) { ${REPORT} }',
  'lowestCoverage(unitCode: $unitCode, level: $level, first: 8, to: $to, geographyAsOf: $geographyAsOf, basis: $basis) { rows { ${ROW} } }',
  'coverageTrend(unitCode: $unitCode, period: $period, from: $from, to: $to, geographyAsOf: $geographyAsOf, basis: $basis) { ${REPORT} }',
  EXPORT.split('\n')[1].trim(),
  EXPORT_STATUS,
];

/** The first day of the month `n` months before the month of `day`, as the console computes it (its default range starts 5 months back). */
export function monthsBack(day: string, n: number): string {
  const [y, m] = day.split('-').map(Number);
  const index = y * 12 + (m - 1) - n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}
