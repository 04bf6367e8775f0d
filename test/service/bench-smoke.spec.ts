import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runBench, table } from '../bench/harness';
import { adminUrl, REDIS_URL } from '../support/test-env';

/**
 * The benchmark harness at its smallest scale, so that it cannot rot: every scenario runs end to end (data generation,
 * rollups, coverage vs GROUP BY, ingest, freshness with the worker, the nightly check while ingesting, statement
 * counts, CSV import, GraphQL overhead, the memory soak of the API and worker as processes, cold start of npm start) and reports. The figures are not checked here (this is no benchmark); `npm run bench` is.
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
    const scenarios = report.results.map((r) => r.scenario.split(' ')[0]);
    expect(scenarios).toEqual(expect.arrayContaining(['1.', '1b.', '2.', '2b.', '3.', '4.', '5.', '6.', '7.', '8.', '8b.', '9.', '9b.', '11.', '11b.']));
    // The soak sampled both processes (resident size and, through the probe, the V8 heap) and kept its samples.
    expect(report.soak!.samples.length).toBeGreaterThan(0);
    expect(report.soak!.samples.every((s) => s.api.rss > 0 && s.worker.rss > 0)).toBe(true);
    expect(report.soak!.samples.some((s) => s.api.heapUsed !== null && s.worker.heapUsed !== null)).toBe(true);
    expect(JSON.parse(readFileSync(join(outDir, 'soak-tiny.json'), 'utf8')).samples).toHaveLength(report.soak!.samples.length);
    // The nightly check ran without holding projections while the worker projected.
    expect(report.results.find((r) => r.scenario.startsWith('9.'))!.met).toBe(true);
    // Statement counts do not depend on the page size (DataLoader), at any scale.
    expect(report.results.filter((r) => r.scenario.startsWith('5.')).every((r) => r.met)).toBe(true);
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
});
