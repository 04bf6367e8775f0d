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

/** Selections of one field (distinct aliases) allowed at one level of an operation. */
export const MAX_ALIASES = 20;
/** The same for the fields of FIELD_COSTS. */
export const MAX_ALIASES_EXPENSIVE = 5;
/** Field selections visited, fragments expanded, before an operation is refused as too large to analyse. */
export const MAX_SELECTIONS = 10_000;
