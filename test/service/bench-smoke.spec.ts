import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runBench, table } from '../bench/harness';
import { CONSOLE_DOCUMENTS } from '../bench/dashboard-documents';
import { Result } from '../bench/scenarios';
import { ratioInterval } from '../bench/stats';
import { adminUrl, REDIS_URL } from '../support/test-env';

/**
 * The benchmark harness at its smallest scale, so that it cannot rot: every scenario runs end to end (data generation,
 * rollups, coverage vs a nightly summary table and vs GROUP BY, ingest, freshness with the worker, the nightly check
 * while ingesting, statement counts, CSV import, GraphQL overhead, dashboard load on the API and worker processes, a
 * lead's phone syncing over a shaped link, the console opened in Chromium on a weak phone, the memory soak of the API and worker as processes, cold start of npm start) and reports. The figures are not checked here (this is no benchmark); `npm run bench` is.
 */
describe('benchmark harness (tiny scale)', () => {
  const database = `cdtg_bench_smoke_${Date.now().toString(36)}`;
  const outDir = mkdtempSync(join(tmpdir(), 'cdtg-bench-'));

  afterAll(async () => {
    rmSync(outDir, { recursive: true, force: true });
    const admin = new Client({ connectionString: adminUrl(process.env.CDTG_TEST_SERVER_URL!) });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('runs every scenario and writes its results and plans', async () => {
    const report = await runBench({
      scale: 'tiny',
      runs: 2,
      serverUrl: adminUrl(process.env.CDTG_TEST_SERVER_URL!),
      redisUrl: REDIS_URL,
      outDir,
      database,
      log: () => undefined,
    });
    expect(report.generation.entries).toBeGreaterThan(1_000);
    // The generated entries spread over the three years, month by month (they once fell on two days).
    const benchUrl = new URL(adminUrl(process.env.CDTG_TEST_SERVER_URL!));
    benchUrl.pathname = `/${database}`;
    const bench = new Client({ connectionString: benchUrl.toString() });
    await bench.connect();
    try {
      const { rows } = await bench.query(
        `SELECT count(DISTINCT occurred_on)::int AS days, count(DISTINCT date_trunc('month', occurred_on))::int AS months FROM assist_entry`,
      );
      expect(rows[0].days).toBeGreaterThan(300);
      expect(rows[0].months).toBeGreaterThanOrEqual(36);
    } finally {
      await bench.end();
    }
    const scenarios = report.results.map((r) => r.scenario.split(' ')[0]);
    expect(scenarios).toEqual(
      expect.arrayContaining(['1.', '1b.', '2.', '2b.', '3.', '4.', '5.', '6.', '7.', '8.', '8b.', '9.', '9b.', '10.', '10b.', '11.', '11b.']),
    );
    // Coverage: each question against the summary table (its id) and against the plain GROUP BY (id-raw), after the
    // summary's timed refresh.
    expect(scenarios).toEqual(expect.arrayContaining(['1-refresh.', '1-raw.', '1c.', '1c-raw.', '1b-raw.', '2-raw.', '2b-raw.']));
    const line = (id: string) => report.results.find((r) => r.scenario.startsWith(`${id} `))!;
    expect(line('1-refresh.').refresh!.rows).toBeGreaterThan(0);
    for (const id of ['1', '1b', '1c', '2', '2b']) {
      for (const r of [line(`${id}.`), line(`${id}-raw.`)]) {
        // Both sides ran as often; the ratio has an interval, and a line is met only when its lower bound clears 1.
        const [ours, baseline] = [r.ours, r.baseline] as Extract<Result['ours'], { runs: number }>[];
        expect([ours.runs, baseline.runs]).toEqual([2, 2]);
        const [lo, hi] = r.ratioInterval!;
        expect(lo).toBeGreaterThan(0);
        expect(hi).toBeGreaterThanOrEqual(lo);
        if (r.met) expect(lo).toBeGreaterThan(1);
      }
    }
    expect(line('1.').summary!.households.total).toBeGreaterThan(0);
    // The summary table plus the raw part gives the rollups' figures where both map units alike (not the pre-reform
    // tree, 2b): every entry, and each household in the unit of its first entry.
    for (const id of ['1', '1b', '1c', '2']) {
      const { households, entries } = line(`${id}.`).summary!;
      expect([entries.vsGroupBy, entries.vsOurs, households.vsOurs]).toEqual([0, 0, 0]);
    }
    expect(table(report)).toMatch(/\| 1\. coverage to date .*\| \d[\d.,]*× \(\d[\d.,]*–\d[\d.,]*\) \|/);
    // The soak sampled both processes (resident size and, through the probe, the V8 heap) and kept its samples.
    expect(report.soak!.samples.length).toBeGreaterThan(0);
    expect(report.soak!.samples.every((s) => s.api.rss > 0 && s.worker.rss > 0)).toBe(true);
    expect(report.soak!.samples.some((s) => s.api.heapUsed !== null && s.worker.heapUsed !== null)).toBe(true);
    expect(JSON.parse(readFileSync(join(outDir, 'soak-tiny.json'), 'utf8')).samples).toHaveLength(report.soak!.samples.length);
    // The nightly check ran without holding projections while the worker projected.
    expect(report.results.find((r) => r.scenario.startsWith('9.'))!.met).toBe(true);
    // A lead's phone synced its queue: every entry stored exactly once, also when an answer was lost and the batch re-sent.
    const sync = report.results.filter((r) => r.scenario.startsWith('12'));
    expect(sync.map((r) => r.scenario.split(' ')[0])).toEqual(['12.', '12b.', '12c.', '12d.']);
    for (const r of sync) {
      expect(r.met).not.toBe(false);
      expect(r.note).toMatch(/40 stored once: 0 lost, 0 duplicated/);
    }
    expect(sync[3].note).toMatch(/2 passes.* \d+ ALREADY_STORED/);
    // The import stored every member (its figures are not checked, its rows are).
    expect(report.results.find((r) => r.scenario.startsWith('6. '))!.note).toBe('300 created, 0 row errors');
    // Statement counts do not depend on the page size (DataLoader), at any scale.
    expect(report.results.filter((r) => r.scenario.startsWith('5.')).every((r) => r.met)).toBe(true);
    // Dashboard load: each level answered its users' requests without an error, while entries were ingested.
    const levels = report.results.filter((r) => /^10b?\. /.test(r.scenario)).map((r) => r.note!);
    for (const note of levels) expect(note).toMatch(/^[1-9]\d* requests, .* 0 errors; per operation: table [1-9]/);
    expect(levels.map((note) => Number(/ingest (\d+) entries/.exec(note)![1])).reduce((a, b) => a + b)).toBeGreaterThan(0);
    expect(levels.join()).not.toContain('not stored');
    // The load sends the console dashboard's own documents.
    const dashboard = readFileSync('apps/web/src/department/Dashboard.tsx', 'utf8');
    for (const document of CONSOLE_DOCUMENTS) expect(dashboard).toContain(document);
    expect(table(report)).toContain('| 1. coverage to date');
    expect(JSON.parse(readFileSync(join(outDir, 'results-tiny.json'), 'utf8')).results).toHaveLength(report.results.length);
    expect(readdirSync(join(outDir, 'explain-tiny'))).toEqual([
      'coverage-commune-residential-groups.txt',
      'coverage-province-communes-to-date.txt',
      'coverage-province-communes.txt',
    ]);
    // The plans include the prepared statements (to date up to today is read from the tree cells in one of them).
    expect(readFileSync(join(outDir, 'explain-tiny', 'coverage-province-communes-to-date.txt'), 'utf8')).toContain('FROM rollup_tree_cell');
  }, 300_000);

  it('gives a ratio a reproducible interval from paired runs', () => {
    const ours = [10, 11, 9, 10.5, 12, 10, 9.5, 11];
    const baseline = ours.map((x, i) => x * (3 + (i % 3) * 0.2));
    const [lo, hi] = ratioInterval(baseline, ours);
    expect(ratioInterval(baseline, ours)).toEqual([lo, hi]);
    expect(lo).toBeGreaterThanOrEqual(2.5);
    expect(hi).toBeLessThanOrEqual(4);
    expect(lo).toBeLessThan(hi);
  });
});
