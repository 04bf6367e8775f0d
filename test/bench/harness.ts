import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EVERYTHING } from '@cdtg/access';
import { createDataSource } from '@cdtg/database';
import { DirectoryImportService, DirectoryService } from '@cdtg/directory';
import { Basis, CoverageLevel, CoverageService, Period, RebuildService } from '@cdtg/rollups';
import { systemClock } from '@cdtg/time';
import { DATA_MODEL, runMigrations } from '@cdtg/runtime';
import { startBenchApp } from './bench-app';
import { coldStartScenario } from './cold-start';
import { explainWhile } from './explain';
import { generate, GenerationReport, Scale } from './generate';
import { loadScenario } from './load';
import { phoneSyncScenario, PhoneSyncLoad } from './phone-sync';
import { consoleVisitScenario } from './console-visit';
import { soakScenario, SoakReport } from './soak';
import { targetsScenario } from './targets';
import { caughtUp, coverageScenarios, freshnessScenario, importScenario, ingestScenario, nightlyCheckScenario, overheadScenario, Places, Result, statementsScenario } from './scenarios';
import { fmt } from './stats';

export interface BenchOptions {
  scale: Scale;
  /** A PostgreSQL server; the benchmark database is created there once per scale and kept (generation is the slow part). */
  serverUrl: string;
  redisUrl: string;
  /** Repetitions of each timed scenario (after a warm-up). */
  runs: number;
  /** Where results.json and the EXPLAIN plans go. */
  outDir: string;
  /** The database's name (default cdtg_bench_<scale>). */
  database?: string;
  /** The soak's measured minutes instead of the scale's (30 at national scale). */
  soakMinutes?: number;
  /** Only these parts (coverage, statements, overhead, ingest, import, sync, console, freshness, check, load, soak, coldstart); all when absent. */
  only?: string[];
  log: (line: string) => void;
}

export interface BenchReport {
  scale: Scale;
  startedAt: string;
  generation: GenerationReport;
  results: Result[];
  /** The soak's samples and summaries (scenario 11), when it ran. */
  soak?: SoakReport;
  seconds: number;
}

const PLACES: Record<Scale, Places> = {
  national: { province: 'P01', commune: 'P01C001', oldProvince: 'OP01-1', today: '2026-11-22' },
  tiny: { province: 'P01', commune: 'P01C001', oldProvince: 'OP01-1', today: '2026-11-22' },
  city: { province: '48', commune: '20242', oldProvince: '48', today: '2026-11-22' },
};

/**
 * Intensity of the load scenarios per scale (checkSeconds: ingest at least this long around the nightly check;
 * dashboardUsers, dashboardSeconds: the levels of concurrent dashboard users, each that long, the first with the target;
 * dashboardThinkMs: the pause of each user between a request's answer and its next request; soak: warm-up and measured
 * seconds of the memory soak, its sampling interval and closed-loop dashboard readers).
 */
type Soak = { warmupSeconds: number; seconds: number; sampleMs: number; readers: number };
const LOAD: Record<
  Scale,
  { batches: number; freshnessSeconds: number; checkSeconds: number; perSecond: number; importRows: number; coldStartDemo: boolean; warmupMs: number; dashboardUsers: number[]; dashboardSeconds: number; dashboardThinkMs: number; soak: Soak }
> = {
  national: { batches: 40, freshnessSeconds: 60, checkSeconds: 0, perSecond: 100, importRows: 13_000, coldStartDemo: true, warmupMs: 2_000, dashboardUsers: [50, 200], dashboardSeconds: 60, dashboardThinkMs: 1_000, soak: { warmupSeconds: 60, seconds: 1800, sampleMs: 10_000, readers: 4 } },
  city: { batches: 20, freshnessSeconds: 30, checkSeconds: 10, perSecond: 100, importRows: 13_000, coldStartDemo: true, warmupMs: 2_000, dashboardUsers: [50, 200], dashboardSeconds: 30, dashboardThinkMs: 1_000, soak: { warmupSeconds: 60, seconds: 600, sampleMs: 10_000, readers: 4 } },
  tiny: { batches: 2, freshnessSeconds: 3, checkSeconds: 3, perSecond: 20, importRows: 300, coldStartDemo: false, warmupMs: 100, dashboardUsers: [2, 4], dashboardSeconds: 1, dashboardThinkMs: 0, soak: { warmupSeconds: 0.25, seconds: 1.5, sampleMs: 250, readers: 2 } },
};

/**
 * Scenario 12 per scale: a lead's phone with 1,000 entries queued offline syncs over 400 kbit/s each way and a 400 ms
 * round trip, also in batches of 25 to 500 (the most logAssists takes); tiny (the smoke test) 40 entries over a faster link, the console's 20 s timer shortened.
 */
const PHONE_SYNC_FULL: PhoneSyncLoad = { entries: 1_000, link: { bitsPerSecond: 400_000, rttMs: 400 }, repeats: 3, batchSizes: [25, 50, 100, 200, 500] };
const PHONE_SYNC: Record<Scale, PhoneSyncLoad> = {
  national: PHONE_SYNC_FULL,
  city: PHONE_SYNC_FULL,
  tiny: { entries: 40, link: { bitsPerSecond: 4_000_000, rttMs: 40 }, repeats: 1, batchSizes: [25], syncEveryMs: 200 },
};

/** Creates (once) and migrates the database of a scale, loads the data, and runs every scenario. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = Date.now();
  const url = await ensureDatabase(options.serverUrl, options.database ?? `cdtg_bench_${options.scale}`);
  await runMigrations(url);
  const dataSource = await createDataSource(url, DATA_MODEL, 4).initialize();
  let generation: GenerationReport;
  try {
    options.log(`data (${options.scale})`);
    generation = await generate(dataSource, options.scale, options.log);
    options.log(generation.skipped ? '  already generated' : `  generated in ${fmt(Object.values(generation.seconds).reduce((a, b) => a + b, 0), 0)} s`);
  } finally {
    await dataSource.destroy();
  }
  const places = PLACES[options.scale];
  const load = LOAD[options.scale];
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  const results: Result[] = [];
  const explainDir = join(options.outDir, `explain-${options.scale}`);
  const wanted = (part: string) => !options.only || options.only.includes(part);

  // Reads and ingest with the API alone: the worker would compete for the two cores.
  let api = await startBenchApp(url, { worker: false, redisUrl: options.redisUrl, prefix });
  try {
    const ds = api.app.get(DataSource);
    const coverage = api.app.get(CoverageService);
    if (wanted('coverage')) {
      options.log('1–2. coverage from the rollups vs a nightly summary table and vs GROUP BY');
      results.push(...(await coverageScenarios(ds, coverage, places, options.runs, load.warmupMs)));
      const today = systemClock.today();
      await explainWhile(ds, explainDir, 'coverage-province-communes-to-date', () =>
        coverage.coverage(EVERYTHING, { unitCode: places.province, level: CoverageLevel.Commune, period: Period.Cumulative, to: today, geographyAsOf: today, basis: Basis.All }),
      );
      await explainWhile(ds, explainDir, 'coverage-province-communes', () =>
        coverage.coverage(EVERYTHING, { unitCode: places.province, level: CoverageLevel.Commune, period: Period.Cumulative, to: places.today, geographyAsOf: places.today, basis: Basis.All }),
      );
      await explainWhile(ds, explainDir, 'coverage-commune-residential-groups', () =>
        coverage.coverage(EVERYTHING, { unitCode: places.commune, level: CoverageLevel.ResidentialGroup, period: Period.Month, from: '2026-10-01', to: '2026-10-31', geographyAsOf: places.today }),
      );
    }
    if (wanted('coverage') || wanted('targets')) {
      options.log('1t. coverage with targets vs without');
      results.push(await targetsScenario(ds, coverage, places, options.runs, load.warmupMs));
    }
    if (wanted('statements')) {
      options.log('5. statements per list request');
      results.push(...(await statementsScenario(api, places.province)));
    }
    if (wanted('overhead')) {
      options.log('7. GraphQL overhead');
      const [group] = (await ds.query(`SELECT id FROM volunteer_group ORDER BY id LIMIT 1`)) as { id: string }[];
      results.push(await overheadScenario(api, api.app.get(DirectoryService), group.id, options.runs * 5, load.warmupMs));
    }
    if (wanted('ingest')) {
      options.log('3. ingest');
      results.push(await ingestScenario(ds, api, load.batches, places.today));
    }
    if (wanted('import')) {
      options.log('6. CSV import');
      results.push(await importScenario(ds, api.app.get(DirectoryImportService), load.importRows));
    }
    if (wanted('console')) {
      options.log('13. the web console on a weak phone (first and repeat visit)');
      results.push(...(await consoleVisitScenario(api, Math.min(options.runs, 7), options.log)));
    }
    if (wanted('sync')) {
      options.log("12. sync of a lead's phone over a slow link");
      results.push(...(await phoneSyncScenario(api, PHONE_SYNC[options.scale], places.today, options.log)));
    }
  } finally {
    await api.close();
  }
  if (wanted('freshness')) {
    // Freshness with the worker running (BullMQ on Redis), as in production; first it catches up with the ingest above.
    api = await startBenchApp(url, { worker: true, redisUrl: options.redisUrl, prefix });
    try {
      const ds = api.app.get(DataSource);
      options.log('4. freshness (catching up first)');
      await caughtUp(ds, 600_000);
      results.push(await freshnessScenario(ds, api, load.freshnessSeconds, load.perSecond, places.today));
    } finally {
      await api.close();
    }
  }
  if (wanted('check')) {
    // The nightly check while the worker projects a sustained ingest, as at night in production.
    api = await startBenchApp(url, { worker: true, redisUrl: options.redisUrl, prefix });
    try {
      const ds = api.app.get(DataSource);
      options.log('9. the nightly check while ingesting (catching up first)');
      await caughtUp(ds, 600_000);
      results.push(...(await nightlyCheckScenario(ds, api, api.app.get(RebuildService), load.perSecond, places.today, load.checkSeconds)));
    } finally {
      await api.close();
    }
  }
  if (wanted('load')) {
    // Dashboards read by many users over HTTP while entries are ingested: the API and the worker in their own
    // processes (dist/), the load generated here, so that it does not share the API's event loop.
    options.log('10. concurrent dashboard load (API and worker as processes; catching up first)');
    const { dashboardUsers: users, dashboardSeconds: seconds, dashboardThinkMs: thinkMs, perSecond, warmupMs } = load;
    results.push(...(await loadScenario({ databaseUrl: url, redisUrl: options.redisUrl, prefix, places, users, seconds, thinkMs, perSecond, warmupMs, log: options.log })));
  }
  let soak: SoakReport | undefined;
  if (wanted('soak')) {
    // The API and the worker as separate processes from dist/, their memory sampled under a steady mixed load.
    options.log(`11. memory over a soak (${options.soakMinutes ? options.soakMinutes * 60 : load.soak.seconds} s)`);
    // Investigation knobs: node flags of both processes (e.g. --max-old-space-size=256) and heap snapshots at start and end.
    const run = await soakScenario({
      databaseUrl: url,
      redisUrl: options.redisUrl,
      prefix,
      ...load.soak,
      ...(options.soakMinutes ? { seconds: options.soakMinutes * 60 } : {}),
      perSecond: load.perSecond,
      day: places.today,
      unitCode: places.province,
      pastDay: places.today,
      nodeArgs: process.env.BENCH_SOAK_NODE_ARGS?.split(' ').filter(Boolean),
      snapshotDir: process.env.BENCH_SOAK_SNAPSHOTS,
      log: options.log,
    });
    results.push(...run.results);
    soak = run.report;
    mkdirSync(options.outDir, { recursive: true });
    writeFileSync(join(options.outDir, `soak-${options.scale}.json`), JSON.stringify(soak, null, 2));
  }
  if (wanted('coldstart')) {
    options.log('8. cold start');
    results.push(...(await coldStartScenario({ demo: load.coldStartDemo })));
  }

  const report: BenchReport = { scale: options.scale, startedAt: new Date(started).toISOString(), generation, results, soak, seconds: (Date.now() - started) / 1000 };
  mkdirSync(options.outDir, { recursive: true });
  if (!options.only) writeFileSync(join(options.outDir, options.scale === 'national' ? 'results.json' : `results-${options.scale}.json`), JSON.stringify(report, null, 2));
  return report;
}

/**
 * The results as a Markdown table (printed, and pasted into docs/benchmarks.md). A ratio is shown with its 95%
 * interval, e.g. `67× (58–74)`; "met" for a ratio target means the interval's lower bound clears it.
 */
export function table(report: BenchReport): string {
  const cell = (t: Result['ours'] | undefined, unit: string) =>
    !t ? '' : 'value' in t ? `${fmt(t.value, unit === 'statements' ? 0 : 1)}` : `${fmt(t.median, 2)} / ${fmt(t.p95, 2)}`;
  const times = (n: number) => fmt(n, n < 10 ? 2 : 0);
  const ratio = (r: Result) =>
    r.ratio === undefined ? '' : `${times(r.ratio)}×${r.ratioInterval ? ` (${times(r.ratioInterval[0])}–${times(r.ratioInterval[1])})` : ''}`;
  const lines = [
    `| scenario | unit | ours (median / p95) | baseline (median / p95) | ratio (95% interval) | target | met |`,
    `|---|---|---|---|---|---|---|`,
    ...report.results.map(
      (r) =>
        `| ${r.scenario}${r.note ? ` (${r.note})` : ''} | ${r.unit} | ${cell(r.ours, r.unit)} | ${cell(r.baseline, r.unit)} | ${ratio(r)} | ${r.target} | ${r.met === null ? '–' : r.met ? 'yes' : '**no**'} |`,
    ),
  ];
  return lines.join('\n');
}

async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount;
    if (!exists) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
