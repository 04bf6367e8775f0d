import autocannon from 'autocannon';
import { Cluster } from './cluster';
import { ClientLedger, makeEntry, Place } from './client';

export interface LoadOptions {
  durationSeconds: number;
  connections: number;
  /** Entries per logAssists batch. */
  batchSize: number;
}

export interface LoadResult {
  requests: number;
  throughput: number;
  entriesPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Non-2xx answers, socket errors, timeouts and GraphQL errors. */
  errors: number;
  errorSamples: string[];
  byKind: Record<string, number>;
  memory: { api: { firstMb: number; lastMb: number }; worker: { firstMb: number; lastMb: number } };
  ledger: ClientLedger;
}

const READ = `query { groups(first: 20) { totalCount edges { node { id name } } } }`;
const COVERAGE = `query { coverage(unitCode: "97", level: COMMUNE, period: MONTH, from: "2026-09-01", to: "2026-11-30") { rows { unit { code } householdsReached entries } asOf { pendingEvents } } }`;
const LOG = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { created alreadyStored rejected entries { clientId outcome } } }`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
}

/**
 * Loopback load against the real API and worker: reads (a group list), rollups (coverage) and batch writes
 * (logAssists), at the highest rate `connections` keep busy. Samples the RSS of both processes every second.
 */
export async function runLoad(cluster: Cluster, place: Place, options: LoadOptions): Promise<LoadResult> {
  const ledger = new ClientLedger();
  const latencies: number[] = [];
  const byKind: Record<string, number> = { read: 0, coverage: 0, write: 0 };
  const errorSamples: string[] = [];
  let gqlErrors = 0;
  let entry = 0;
  const samples: { api: number; worker: number }[] = [];
  const sampler = setInterval(() => samples.push({ api: Cluster.rssKb(cluster.api?.child.pid), worker: Cluster.rssKb(cluster.worker?.child.pid) }), 1000);
  // Which kind each connection's current request is: answers arrive in order on a connection.
  const pendingKinds = new WeakMap<object, { kind: string; ids: string[] }[]>();
  const options_: autocannon.Options = {
    url: cluster.apiUrl,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${cluster.token}` },
        setupRequest: (req, context) => {
          const roll = Math.random();
          const kind = roll < 0.5 ? 'read' : roll < 0.8 ? 'coverage' : 'write';
          let body: string;
          let ids: string[] = [];
          if (kind === 'write') {
            const entries = Array.from({ length: options.batchSize }, () => makeEntry(place, entry++));
            ids = entries.map((e) => e.clientId);
            body = JSON.stringify({ query: LOG, variables: { input: { groupId: place.groupId, entries } } });
          } else body = JSON.stringify({ query: kind === 'read' ? READ : COVERAGE });
          const queue = pendingKinds.get(context) ?? [];
          queue.push({ kind, ids });
          pendingKinds.set(context, queue);
          return { ...req, body };
        },
        onResponse: (status, body, context) => {
          const sent = pendingKinds.get(context)?.shift();
          if (sent) byKind[sent.kind]++;
          // Counted as sent once answered: the requests in flight when the run stops are dropped by autocannon unanswered.
          for (const id of sent?.ids ?? []) ledger.sent.add(id);
          if (status !== 200 || body.includes('"errors"')) {
            gqlErrors += status === 200 ? 1 : 0;
            if (errorSamples.length < 5) errorSamples.push(`${status} ${body.slice(0, 300)}`);
            return;
          }
          if (sent?.kind === 'write') {
            const parsed = JSON.parse(body) as { data: { logAssists: { entries: { clientId: string; outcome: string }[] } } };
            for (const e of parsed.data.logAssists.entries) if (e.outcome !== 'REJECTED') ledger.acknowledged.add(e.clientId);
          }
        },
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options_, (error, outcome) => (error ? reject(error) : resolve(outcome)));
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  const window = Math.max(1, Math.min(60, Math.floor(samples.length / 3)));
  const mb = (values: number[]) => Math.round(values.reduce((s, v) => s + v, 0) / Math.max(1, values.length) / 1024);
  const first = samples.slice(0, window);
  const last = samples.slice(-window);
  const seconds = options.durationSeconds;
  return {
    requests: result.requests.total,
    throughput: Math.round(result.requests.total / seconds),
    entriesPerSecond: Math.round(ledger.acknowledged.size / seconds),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: result.non2xx + result.errors + result.timeouts + gqlErrors,
    errorSamples,
    byKind,
    memory: {
      api: { firstMb: mb(first.map((s) => s.api)), lastMb: mb(last.map((s) => s.api)) },
      worker: { firstMb: mb(first.map((s) => s.worker)), lastMb: mb(last.map((s) => s.worker)) },
    },
    ledger,
  };
}
