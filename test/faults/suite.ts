import { Cluster } from './cluster';
import { RetryingClient } from './client';
import { brokenGuarantees, FAULTS, formatTable, makePlace, runScenario, ScenarioResult, ScenarioSize } from './scenarios';
import { Place } from './client';
import { runLoad, LoadOptions } from './load';
import { verify } from './scenarios';

/**
 * The fault scenarios as a Jest suite, one test per fault, on one deployment (private PostgreSQL and Redis, the
 * compiled API and worker). `size` makes it the short version (npm test) or the full one (npm run test:faults).
 */
export function faultSuite(label: string, size: ScenarioSize, timeoutMs: number, load: LoadOptions): void {
  describe(`faults (${label}): nothing lost, nothing duplicated, no 500s`, () => {
    let cluster: Cluster;
    let place: Place;
    const results: ScenarioResult[] = [];

    beforeAll(async () => {
      cluster = await new Cluster().start();
      place = await makePlace(
        cluster,
        new RetryingClient(
          () => cluster.apiUrl,
          () => cluster.token,
        ),
      );
    }, 120_000);

    afterAll(async () => {
      if (results.length) {
        const table = results.map((r) => ({
          scenario: r.scenario,
          sent: r.sent,
          acknowledged: r.acknowledged,
          stored: r.stored,
          'stored twice': r.duplicates,
          counted: r.counted,
          'e-mails': `${r.emailsDelivered}/${r.emailsQueued}`,
          retries: r.retries,
          'retryable errors': r.retryableErrors,
          '500s': r.internalErrors,
          'rollups = rebuild': r.rollupsConsistent ? 'yes' : 'NO',
          drained: r.drained ? 'yes' : 'NO',
          s: r.seconds,
        }));
        process.stdout.write(
          `\n${formatTable(`Fault scenarios (${label}): ${size.batches} batches × ${size.batchSize} entries each, ${size.emails} e-mails`, table)}\n\n`,
        );
      }
      await cluster?.stop();
    }, 60_000);

    // FAULTS_ONLY="PostgreSQL" runs the scenarios whose name contains it.
    for (const name of Object.keys(FAULTS).filter((n) => n.includes(process.env.FAULTS_ONLY ?? ''))) {
      it(
        name,
        async () => {
          const result = await runScenario(cluster, place, name, size);
          results.push(result);
          expect(brokenGuarantees(result)).toEqual([]);
          if (name === 'PostgreSQL restarted') expect(result.retryableErrors + result.retries).toBeGreaterThan(0);
        },
        timeoutMs,
      );
    }

    it(
      `load: reads, coverage and batch writes for ${load.durationSeconds} s; no errors, flat memory`,
      async () => {
        const started = Date.now();
        const r = await runLoad(cluster, place, load);
        // The projection may lag behind a sustained ingest: give the backlog as long as the load lasted to drain.
        const settleStarted = Date.now();
        const checked = await verify(cluster, 'load', r.ledger, 'load-none', started, load.durationSeconds * 1000 + 120_000);
        const drainSeconds = Math.round((Date.now() - settleStarted) / 1000);
        const row = {
          seconds: load.durationSeconds,
          connections: load.connections,
          requests: r.requests,
          'req/s': r.throughput,
          'entries/s': r.entriesPerSecond,
          'read/coverage/write': `${r.byKind.read}/${r.byKind.coverage}/${r.byKind.write}`,
          'p50 ms': r.p50,
          'p95 ms': r.p95,
          'p99 ms': r.p99,
          errors: r.errors,
          'drained after s': drainSeconds,
          'API MB first→last': `${r.memory.api.firstMb}→${r.memory.api.lastMb}`,
          'worker MB first→last': `${r.memory.worker.firstMb}→${r.memory.worker.lastMb}`,
        };
        process.stdout.write(`\n${formatTable(`Load (${label}): loopback, 50% group list, 30% coverage, 20% logAssists × ${load.batchSize}`, [row])}\n`);
        expect(r.errorSamples).toEqual([]);
        expect(r.errors).toBe(0);
        expect(brokenGuarantees(checked)).toEqual([]);
        // Memory stays flat: the last window's resident size within 50% (+64 MB of warm-up slack) of the first one's.
        for (const m of [r.memory.api, r.memory.worker]) expect(m.lastMb).toBeLessThan(m.firstMb * 1.5 + 64);
      },
      load.durationSeconds * 2000 + 240_000,
    );
  });
}
