import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSource } from '@cdtg/database';
import { DATA_MODEL } from '@cdtg/runtime';
import { systemClock } from '@cdtg/time';
import { API_MAIN, freePort, waitReady, WORKER_MAIN } from '../support/processes';
import { benchEnvironment, BenchGrant, benchSignIn, ensureBenchAccount } from './bench-app';
import { batchOf, caughtUp, ingestPlans, LOG, pendingEvents, Result } from './scenarios';
import { fmt, summarise } from './stats';
import { COVERAGE, LOWEST, monthsBack, TREND } from './dashboard-documents';

/** The probe preloaded into both processes (memory over IPC; a forced GC; heap snapshots). Paths are from the repository root, as everywhere in the benchmarks. */
const PROBE = 'test/bench/soak-probe.cjs';

export interface SoakOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of the BullMQ keys (a private queue for this run). */
  prefix: string;
  /** Measured duration (after the warm-up). */
  seconds: number;
  /** Load before the first sample: compiled code, filled caches, the tree in memory, pools opened. */
  warmupSeconds: number;
  /** How often both processes are sampled. */
  sampleMs: number;
  /** Closed-loop dashboard readers (each sends the console's three questions in turn, without pause). */
  readers: number;
  /** Entries logged per second through logAssists (two batches a second). */
  perSecond: number;
  /** The day entries are logged for. */
  day: string;
  /** The department user's province (the dashboard's unit) and a day the data still covers, for questions up to a past day. */
  unitCode: string;
  pastDay: string;
  /** Node flags of both processes on top of --expose-gc (investigation: --max-old-space-size=…). */
  nodeArgs?: string[];
  /** Write heap snapshots of both processes here after the warm-up and at the end (investigation; slow). */
  snapshotDir?: string;
  log: (line: string) => void;
}

export interface MemorySample {
  /** Seconds since the warm-up ended. */
  s: number;
  api: ProcessMemory;
  worker: ProcessMemory;
  /** Change events not yet projected: a worker falling behind holds bigger projection batches. */
  pendingEvents: number;
}

/** Megabytes: resident (from /proc), V8 heap used and reserved, and memory outside the heap (buffers, native). */
export interface ProcessMemory {
  rss: number;
  heapUsed: number | null;
  heapTotal: number | null;
  external: number | null;
}

export interface ProcessSummary {
  /** Mean resident size over the first and the last minute (or tenth of the run when shorter). */
  startMb: number;
  endMb: number;
  peakMb: number;
  /** Least-squares slope of the resident size over the second half of the run. */
  secondHalfMbPerMin: number;
  /** The same of the V8 heap used (sampled, so between collections: noisy). */
  heapSecondHalfMbPerMin: number | null;
  /**
   * V8 heap used right after a forced full garbage collection, after the warm-up and at the end, the load held and the
   * worker caught up (no request or job in flight): what stays live between requests and jobs.
   */
  liveHeapStartMb: number | null;
  liveHeapEndMb: number | null;
}

export interface SoakReport {
  seconds: number;
  samples: MemorySample[];
  api: ProcessSummary;
  worker: ProcessSummary;
  load: {
    readsPerSecond: number;
    readMs: { median: number; p95: number };
    entriesPerSecond: number;
    errors: number;
    errorSamples: string[];
    /** Seconds the worker took to apply the events left when the load stopped. */
    drainSeconds: number;
  };
  /** Heap snapshots written (investigation runs). */
  snapshots: string[];
}


/** The resident size (kB) of a process, from /proc; 0 once it has gone. */
function rssKb(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

interface ProbeAnswer {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  spaces: Record<string, number>;
  snapshot?: string;
}

/** The compiled API or worker as a child process with the probe preloaded; keeps the tail of its output for errors. */
class Child {
  readonly process: ChildProcess;
  private tail = '';
  private asked = 0;
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    script: string,
    env: Record<string, string>,
    nodeArgs: string[],
  ) {
    this.process = spawn(process.execPath, ['--expose-gc', '--require', resolve(PROBE), ...nodeArgs, script], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (d: Buffer) => (this.tail = (this.tail + d.toString()).slice(-4000));
    this.process.stdout!.on('data', keep);
    this.process.stderr!.on('data', keep);
    this.exited = new Promise((done) => this.process.on('exit', (code) => done(code)));
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  output(): string {
    return this.tail;
  }

  /** Asks the probe (null when it does not answer within `timeoutMs`: a busy event loop, or gone). */
  ask(probe: 'memory' | 'gc' | 'snapshot', extra: Record<string, unknown> = {}, timeoutMs = 5_000): Promise<ProbeAnswer | null> {
    if (!this.alive || !this.process.connected) return Promise.resolve(null);
    const id = ++this.asked;
    return new Promise((done) => {
      const onMessage = (m: { probe?: string; id?: number } & ProbeAnswer) => {
        if (m?.id !== id) return;
        clearTimeout(timer);
        this.process.off('message', onMessage);
        done(m);
      };
      const timer = setTimeout(() => {
        this.process.off('message', onMessage);
        done(null);
      }, timeoutMs);
      this.process.on('message', onMessage);
      this.process.send({ probe, id, ...extra });
    });
  }

  async stop(): Promise<number | null> {
    if (this.alive) this.process.kill('SIGTERM');
    return this.exited;
  }
}

const MB = 1024 * 1024;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Least-squares slope of `y` over `x`. */
function slope(points: { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

function summary(samples: MemorySample[], of: 'api' | 'worker', seconds: number, live: { start: number | null; end: number | null }): ProcessSummary {
  const window = Math.max(1, Math.min(samples.length, samples.filter((s) => s.s <= Math.min(60, seconds / 10)).length));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const second = samples.filter((s) => s.s >= seconds / 2);
  const heap = second.filter((s) => s[of].heapUsed !== null);
  return {
    startMb: round(mean(samples.slice(0, window).map((s) => s[of].rss))),
    endMb: round(mean(samples.slice(-window).map((s) => s[of].rss))),
    peakMb: round(Math.max(...samples.map((s) => s[of].rss))),
    secondHalfMbPerMin: round(slope(second.map((s) => ({ x: s.s / 60, y: s[of].rss }))), 2),
    heapSecondHalfMbPerMin: heap.length >= 2 ? round(slope(heap.map((s) => ({ x: s.s / 60, y: s[of].heapUsed! }))), 2) : null,
    liveHeapStartMb: live.start === null ? null : round(live.start),
    liveHeapEndMb: live.end === null ? null : round(live.end),
  };
}

/** An active account with one grant (created once), signed in through the real signIn mutation. */
async function signIn(dataSource: DataSource, apiUrl: string, email: string, grant: BenchGrant): Promise<string> {
  const password = 'bench-soak-password-2026';
  await ensureBenchAccount(dataSource, { email, password, displayName: 'Bench soak', grant });
  return benchSignIn(apiUrl, email, password);
}


/**
 * 11: the resident memory of the API and the worker, run as separate processes from dist/ (as in production), over a
 * soak with a steady mixed load: `readers` closed-loop department users sending the dashboard's three questions
 * (coverage table, lowest units, trend) over HTTP, and `perSecond` entries a second through logAssists, projected by
 * the worker. Both processes are sampled every `sampleMs` (resident size from /proc, V8 heap through a preloaded
 * probe); after the warm-up and at the end each is asked for its heap after a forced full collection (what is live).
 */
export async function soakScenario(options: SoakOptions): Promise<{ results: Result[]; report: SoakReport }> {
  const [apiPort, workerPort] = [await freePort(), await freePort()];
  const env = { ...benchEnvironment(options.databaseUrl, options), HOST: '127.0.0.1', PORT: String(apiPort), WORKER_PORT: String(workerPort) };
  const nodeArgs = options.nodeArgs ?? [];
  const dataSource = await createDataSource(options.databaseUrl, DATA_MODEL, 2).initialize();
  const api = new Child('api', API_MAIN, env, nodeArgs);
  const worker = new Child('worker', WORKER_MAIN, env, nodeArgs);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const failed = (child: Child, error: unknown) => new Error(`${(error as Error).message}; ${child.name} output: ${child.output().slice(-1500)}`);
  try {
    await waitReady(apiUrl, 120_000).catch((error) => Promise.reject(failed(api, error)));
    await waitReady(`http://127.0.0.1:${workerPort}`, 120_000).catch((error) => Promise.reject(failed(worker, error)));
    await caughtUp(dataSource, 600_000);
    const [province] = (await dataSource.query(`SELECT id FROM admin_unit WHERE code = $1 AND valid_to IS NULL`, [options.unitCode])) as { id: string }[];
    if (!province) throw new Error(`soak: no unit ${options.unitCode} in force`);
    const adminToken = await signIn(dataSource, apiUrl, 'bench.soak.admin@cdtg.test', { role: 'ADMIN' });
    const departmentToken = await signIn(dataSource, apiUrl, `bench.soak.department.${options.unitCode.toLowerCase()}@cdtg.test`, {
      role: 'DEPARTMENT',
      unitId: province.id,
    });
    const plans = await ingestPlans(dataSource, 2000);
    if (!plans.length) throw new Error('soak: no group to log entries for');

    const gql = async (token: string, query: string, variables: Record<string, unknown>) => {
      const res = await fetch(`${apiUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      if (res.status !== 200 || text.includes('"errors"')) throw new Error(`${res.status} ${text.slice(0, 300)}`);
      return JSON.parse(text) as { data: Record<string, unknown> };
    };
    const load = { reads: 0, readMs: [] as number[], entries: 0, errors: 0, errorSamples: [] as string[], measuring: false };
    const fail = (error: unknown) => {
      load.errors++;
      if (load.errorSamples.length < 5) load.errorSamples.push((error as Error).message);
    };
    let stopping = false;
    // Requests wait at the gate while it is shut (to measure what is live with no work in flight); inFlight counts the others.
    let gate: Promise<void> | null = null;
    let inFlight = 0;
    const send = async <T>(request: () => Promise<T>): Promise<T | undefined> => {
      while (gate) await gate;
      if (stopping) return undefined;
      inFlight++;
      try {
        return await request();
      } finally {
        inFlight--;
      }
    };

    // The dashboard views readers go through: the console's default (to date, cumulative), months and quarters, and a
    // past day (answered from facts), in both bases; each view is its three requests in turn, as the console sends them.
    const today = systemClock.today();
    const views = [
      { to: today, period: 'CUMULATIVE', basis: 'ALL' },
      { to: today, period: 'MONTH', basis: 'ALL' },
      { to: options.pastDay, period: 'CUMULATIVE', basis: 'VERIFIED' },
      { to: today, period: 'QUARTER', basis: 'VERIFIED' },
    ].map((v) => ({ ...v, unitCode: options.unitCode, from: monthsBack(v.to, 5), geographyAsOf: v.to, level: 'COMMUNE' }));
    const reader = async (n: number) => {
      for (let i = n; !stopping; i++) {
        const v = views[i % views.length];
        for (const [query, variables] of [
          [COVERAGE, v],
          [LOWEST, { unitCode: v.unitCode, to: v.to, geographyAsOf: v.geographyAsOf, basis: v.basis, level: v.level }],
          [TREND, { unitCode: v.unitCode, from: v.from, to: v.to, geographyAsOf: v.geographyAsOf, basis: v.basis, period: 'MONTH' }],
        ] as const) {
          await send(() => {
            const started = Date.now();
            return gql(departmentToken, query, variables).then(() => {
              if (!load.measuring) return;
              load.reads++;
              load.readMs.push(Date.now() - started);
            }, fail);
          });
        }
      }
    };
    const batch = Math.max(1, Math.round(options.perSecond / 2));
    const ingest = async () => {
      for (let tick = 0; !stopping; tick++) {
        const plan = plans[tick % plans.length];
        const started = Date.now();
        await send(() =>
          gql(adminToken, LOG, { input: { groupId: plan.groupId, entries: batchOf(plan, batch, options.day) } }).then((r) => {
            const created = (r.data.logAssists as { created: number }).created;
            if (load.measuring) load.entries += created;
            if (created !== batch) fail(new Error(`logAssists stored ${created} of ${batch}`));
          }, fail),
        );
        await new Promise((r) => setTimeout(r, Math.max(0, 500 - (Date.now() - started))));
      }
    };
    const running = [...Array.from({ length: options.readers }, (_, n) => reader(n)), ingest()];

    const snapshots: string[] = [];
    const snapshot = async (label: string) => {
      if (!options.snapshotDir) return;
      for (const child of [api, worker]) {
        const answer = await child.ask('snapshot', { path: resolve(options.snapshotDir, `${child.name}-${label}.heapsnapshot`) }, 600_000);
        if (answer?.snapshot) snapshots.push(answer.snapshot);
      }
    };
    // The heap after a full collection, with no request in flight and every event applied: what stays between requests
    // and jobs (and the heap snapshots of an investigation, taken then too).
    const liveHeap = async (label: string) => {
      let open = () => undefined as void;
      gate ??= new Promise<void>((r) => (open = r));
      try {
        while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
        const drained = await caughtUp(dataSource, 120_000);
        const heaps = await Promise.all([api, worker].map(async (c) => ((await c.ask('gc', {}, 60_000))?.heapUsed ?? NaN) / MB));
        await snapshot(label);
        return { heaps, drained };
      } finally {
        gate = null;
        open();
      }
    };

    options.log(`  warm-up ${options.warmupSeconds} s (${options.readers} readers, ${options.perSecond} entries/s)`);
    await new Promise((r) => setTimeout(r, options.warmupSeconds * 1000));
    const {
      heaps: [apiLiveStart, workerLiveStart],
    } = await liveHeap('start');
    const samples: MemorySample[] = [];
    const started = Date.now();
    load.measuring = true;
    const memory = async (child: Child): Promise<ProcessMemory> => {
      const rss = rssKb(child.process.pid) / 1024;
      const answer = await child.ask('memory', {}, Math.max(1000, options.sampleMs));
      return {
        rss: round(rss),
        heapUsed: answer ? round(answer.heapUsed / MB) : null,
        heapTotal: answer ? round(answer.heapTotal / MB) : null,
        external: answer ? round(answer.external / MB) : null,
      };
    };
    let lastLog = 0;
    for (let next = started; Date.now() - started < options.seconds * 1000; ) {
      if (!api.alive || !worker.alive) throw failed(api.alive ? worker : api, new Error('a process of the soak exited'));
      const s = (Date.now() - started) / 1000;
      const [a, w, pending] = await Promise.all([memory(api), memory(worker), pendingEvents(dataSource)]);
      samples.push({ s: round(s, 1), api: a, worker: w, pendingEvents: pending });
      if (s - lastLog >= 60 || samples.length === 1) {
        lastLog = s;
        options.log(`  ${fmt(s / 60, 1)} min: API ${fmt(a.rss, 0)} MB (heap ${fmt(a.heapUsed ?? NaN, 0)}), worker ${fmt(w.rss, 0)} MB (heap ${fmt(w.heapUsed ?? NaN, 0)}), ${pending} events pending`);
      }
      next += options.sampleMs;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
    const seconds = (Date.now() - started) / 1000;
    load.measuring = false;
    stopping = true;
    await Promise.all(running);
    const {
      heaps: [apiLiveEnd, workerLiveEnd],
      drained,
    } = await liveHeap('end');
    const finite = (n: number) => (Number.isFinite(n) ? n : null);
    const reads = summarise(load.readMs.length ? load.readMs : [NaN]);
    const report: SoakReport = {
      seconds: round(seconds),
      samples,
      api: summary(samples, 'api', seconds, { start: finite(apiLiveStart), end: finite(apiLiveEnd) }),
      worker: summary(samples, 'worker', seconds, { start: finite(workerLiveStart), end: finite(workerLiveEnd) }),
      load: {
        readsPerSecond: round(load.reads / seconds),
        readMs: { median: reads.median, p95: reads.p95 },
        entriesPerSecond: round(load.entries / seconds),
        errors: load.errors,
        errorSamples: load.errorSamples,
        drainSeconds: round(drained),
      },
      snapshots,
    };
    return { results: soakResults(report, options), report };
  } finally {
    await Promise.all([api.stop(), worker.stop()]);
    await dataSource.destroy();
  }
}

/**
 * The soak as two lines of the results table (long enough to judge: 10 minutes or more; shorter runs only report). The
 * resident size follows the heap's sawtooth between major collections (tens of MB within seconds), so a slope below
 * 1 MB/min over the second half counts as level: a steady 1 MB/min (1.4 GB a day) stands out of that noise in 15 minutes.
 */
function soakResults(report: SoakReport, options: Pick<SoakOptions, 'readers' | 'perSecond'>): Result[] {
  const minutes = report.seconds / 60;
  const judged = minutes >= 10;
  const target = 'growth levels off: second-half slope < 1 MB/min';
  const line = (id: string, name: string, p: ProcessSummary, extra = ''): Result => ({
    scenario: `${id}. ${name} resident memory over a ${fmt(minutes, minutes < 1 ? 2 : 0)}-min soak (${options.readers} dashboard readers, ${options.perSecond} entries/s)`,
    unit: 'MB',
    ours: { value: p.endMb },
    target,
    met: judged ? p.secondHalfMbPerMin < 1 : null,
    note:
      `start ${fmt(p.startMb, 0)} → end ${fmt(p.endMb, 0)} MB, peak ${fmt(p.peakMb, 0)}, second half ${fmt(p.secondHalfMbPerMin, 2)} MB/min` +
      `; heap after full GC ${fmt(p.liveHeapStartMb ?? NaN, 0)} → ${fmt(p.liveHeapEndMb ?? NaN, 0)} MB${extra}`,
  });
  const load = report.load;
  return [
    line(
      '11',
      'API',
      report.api,
      `; ${fmt(load.readsPerSecond, 1)} reads/s (p50 ${fmt(load.readMs.median, 0)} ms, p95 ${fmt(load.readMs.p95, 0)} ms), ${fmt(load.entriesPerSecond, 0)} entries/s, ${load.errors} errors`,
    ),
    line('11b', 'worker', report.worker, `; the events left when the load stopped applied in ${fmt(load.drainSeconds, 1)} s`),
  ];
}

/** The samples as a Markdown table, one row per `everySeconds` (the plot-free view of a soak). */
export function soakTable(report: SoakReport, everySeconds = 60): string {
  const rows: MemorySample[] = [];
  for (const sample of report.samples) if (!rows.length || sample.s - rows[rows.length - 1].s >= everySeconds - 0.5) rows.push(sample);
  const last = report.samples[report.samples.length - 1];
  if (last && rows[rows.length - 1] !== last) rows.push(last);
  const cell = (m: ProcessMemory) => `${fmt(m.rss, 0)} | ${fmt(m.heapUsed ?? NaN, 0)} | ${fmt(m.heapTotal ?? NaN, 0)} | ${fmt(m.external ?? NaN, 0)}`;
  return [
    '| min | API RSS | API heap used | API heap total | API external | worker RSS | worker heap used | worker heap total | worker external | events pending |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${fmt(r.s / 60, 1)} | ${cell(r.api)} | ${cell(r.worker)} | ${r.pendingEvents} |`),
  ].join('\n');
}
