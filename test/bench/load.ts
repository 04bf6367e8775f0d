/**
 * 10: concurrent dashboard load. Department and ward-officer users read the coverage dashboard over HTTP, each a
 * closed loop (the next request when the previous one has answered), at several numbers of users in turn, while entries
 * are ingested through GraphQL and the worker projects them. The API and the worker run as child processes from the
 * built dist/ (as `npm run start:api` and `npm run start:worker` do), so the load generator, in this process, does not
 * share their event loop; all of them, and PostgreSQL, share the machine's cores.
 */
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { createDataSource } from '@cdtg/database';
import { DATA_MODEL } from '@cdtg/runtime';
import { systemClock } from '@cdtg/time';
import { API_MAIN, freePort, startNode, WORKER_MAIN } from '../support/processes';
import { benchEnvironment, benchSignIn, ensureBenchAccount } from './bench-app';
import { batchOf, caughtUp, ingestPlans, LOG, Places, Result } from './scenarios';
import { prng, summarise } from './stats';
import { COVERAGE, EXPORT, EXPORT_STATUS, LOWEST, monthsBack, TREND } from './dashboard-documents';

export interface LoadOptions {
  databaseUrl: string;
  redisUrl: string;
  /** The queue prefix of this run. */
  prefix: string;
  places: Places;
  /** Concurrent users of each level, in turn (the first level carries the target). */
  users: number[];
  /** Seconds each level lasts. */
  seconds: number;
  /** Entries ingested per second meanwhile. */
  perSecond: number;
  /** Unmeasured load at the first level's users before measuring (the API process starts cold). */
  warmupMs: number;
  /** Pause of a user between an answer and their next request. */
  thinkMs?: number;
  log: (line: string) => void;
}

/** The requests of the dashboard (the first four are the mix; the console polls an export and downloads its file). */
type Op = 'table' | 'trend' | 'lowest' | 'export' | 'exportStatus' | 'download';
const MIX: [Op, number][] = [
  ['table', 0.5],
  ['trend', 0.25],
  ['lowest', 0.15],
  ['export', 0.1],
];
const DASHBOARD_OPS: Op[] = ['table', 'trend', 'lowest', 'export'];

interface Account {
  email: string;
  role: 'DEPARTMENT' | 'WARD_OFFICER' | 'ADMIN';
  unitCode: string | null;
}
interface User {
  role: 'department' | 'officer';
  token: string;
  /** The unit of the grant: a province for the department, a commune for an officer. */
  home: string;
  /** The communes of the department's province (to read a commune's residential groups). */
  communes: string[];
}

const PASSWORD = 'bench-dashboard-password-2026';
/** Ward officers signed in (each on a different commune of the bench province). */
const OFFICERS = 8;

/** A deterministic random stream per user (mulberry32), so that a run asks the same questions in the same order. */
const random = prng;

const lastDay = (first: string) => new Date(Date.UTC(Number(first.slice(0, 4)), Number(first.slice(5, 7)), 0)).toISOString().slice(0, 10);

/**
 * One dashboard question as the console asks it: to date (the console's default: cumulative up to today, in today's
 * tree), or one of the last twelve months or four whole quarters of the data, in the tree of its last day.
 */
function question(user: User, next: () => number, today: string, dataEnd: string) {
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  // A department reads its province's communes, sometimes one commune's residential groups; an officer their commune's.
  const commune = user.role === 'department' && next() < 0.2 ? pick(user.communes) : null;
  const unitCode = commune ?? user.home;
  const level = user.role === 'department' && !commune ? 'COMMUNE' : 'RESIDENTIAL_GROUP';
  const basis = next() < 0.1 ? 'VERIFIED' : 'ALL';
  const r = next();
  let range: { period: string; from: string; to: string };
  if (r < 0.5) range = { period: 'CUMULATIVE', from: monthsBack(today, 5), to: today };
  else if (r < 0.8) {
    const from = monthsBack(dataEnd, Math.floor(next() * 12));
    range = { period: 'MONTH', from, to: lastDay(from) };
  } else {
    const quarter = monthsBack(dataEnd, (Number(dataEnd.slice(5, 7)) - 1) % 3);
    const from = monthsBack(quarter, 3 * (1 + Math.floor(next() * 4)));
    range = { period: 'QUARTER', from, to: lastDay(monthsBack(from, -2)) };
  }
  return { unitCode, level, basis, ...range, geographyAsOf: range.to };
}

/** The q-quantile of sorted samples (as stats.summarise takes its p95). */
const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);

/** What one level saw. */
class Tally {
  readonly samples = new Map<Op, number[]>();
  readonly failures = new Map<Op, number>();
  readonly messages: string[] = [];
  readonly exportIds: string[] = [];
  stopped = false;

  ok(op: Op, ms: number): void {
    if (!this.samples.has(op)) this.samples.set(op, []);
    this.samples.get(op)!.push(ms);
  }

  fail(op: Op, message: string): void {
    this.failures.set(op, (this.failures.get(op) ?? 0) + 1);
    if (this.messages.length < 3 && !this.messages.includes(`${op}: ${message}`)) this.messages.push(`${op}: ${message}`);
  }

  count(ops: Op[]): number {
    return ops.reduce((n, op) => n + (this.samples.get(op)?.length ?? 0) + (this.failures.get(op) ?? 0), 0);
  }

  errors(ops: Op[] = [...DASHBOARD_OPS, 'exportStatus', 'download']): number {
    return ops.reduce((n, op) => n + (this.failures.get(op) ?? 0), 0);
  }

  latencies(ops: Op[]): number[] {
    return ops.flatMap((op) => this.samples.get(op) ?? []);
  }
}

interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string }[];
}

/** One GraphQL request, timed until its whole answer has arrived; an error unless it answered 200 with data and no errors. */
async function post(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<{ ms: number; data: Record<string, unknown> | null; error?: string }> {
  const started = performance.now();
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let body: GqlBody | undefined;
    try {
      body = JSON.parse(text) as GqlBody;
    } catch {
      body = undefined;
    }
    if (res.status !== 200 || !body?.data || body.errors?.length) return { ms, data: null, error: `HTTP ${res.status} ${body?.errors?.[0]?.message ?? text.slice(0, 160)}` };
    return { ms, data: body.data };
  } catch (error) {
    return { ms: performance.now() - started, data: null, error: (error as Error).message };
  }
}

/** A request of a dashboard user, counted in the level's tally. */
async function request(tally: Tally, op: Op, url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown> | null> {
  const { ms, data, error } = await post(url, token, query, variables);
  if (error !== undefined) tally.fail(op, error);
  else tally.ok(op, ms);
  return data;
}

/** The console's export: asked, then polled (300 ms, later 1 s) until ready, then the file downloaded, while its user goes on reading. */
async function followExport(tally: Tally, url: string, token: string, id: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, i < 10 ? 300 : 1000));
    if (tally.stopped) return;
    const data = await request(tally, 'exportStatus', url, token, EXPORT_STATUS, { id });
    const e = data?.coverageExport as { status: string; downloadUrl: string | null; failure: string | null } | undefined;
    if (!e) return;
    if (e.status === 'FAILED') {
      tally.fail('exportStatus', `export failed: ${e.failure}`);
      return;
    }
    if (e.status === 'READY' && e.downloadUrl) {
      const link = new URL(e.downloadUrl);
      const started = performance.now();
      try {
        const res = await fetch(`${url}${link.pathname}${link.search}`);
        await res.arrayBuffer();
        if (res.status === 200) tally.ok('download', performance.now() - started);
        else tally.fail('download', `HTTP ${res.status}`);
      } catch (error) {
        tally.fail('download', (error as Error).message);
      }
      return;
    }
  }
}

/** `count` users reading dashboards for `ms`, each in a closed loop; user i is the department one time in five, else an officer. */
async function runLevel(url: string, users: User[], count: number, ms: number, seed: number, thinkMs: number, places: Places): Promise<{ tally: Tally; seconds: number }> {
  const tally = new Tally();
  const today = systemClock.today();
  const officers = users.filter((u) => u.role === 'officer');
  const department = users.find((u) => u.role === 'department')!;
  const following: Promise<void>[] = [];
  const started = performance.now();
  const stopAt = Date.now() + ms;
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const user = i % 5 === 0 || officers.length === 0 ? department : officers[(i - Math.floor(i / 5) - 1) % officers.length];
      const next = random(seed * 1000 + i);
      let exporting = false;
      while (Date.now() < stopAt) {
        const r = next();
        let share = 0;
        let op = MIX.find(([, p]) => r < (share += p))?.[0] ?? 'table';
        if (op === 'export' && exporting) op = 'table'; // the console's export buttons wait for the export asked before
        const q = question(user, next, today, places.today);
        const variables = { unitCode: q.unitCode, from: q.from, to: q.to, geographyAsOf: q.geographyAsOf, basis: q.basis };
        if (op === 'table') await request(tally, op, url, user.token, COVERAGE, { ...variables, level: q.level, period: q.period });
        else if (op === 'lowest') await request(tally, op, url, user.token, LOWEST, { unitCode: q.unitCode, to: q.to, geographyAsOf: q.geographyAsOf, basis: q.basis, level: q.level });
        else if (op === 'trend') {
          // The console's trend: by month over ranges up to a year, by quarter beyond (half a year, a year or two years to date).
          const from = monthsBack(today, [5, 11, 23][Math.floor(next() * 3)]);
          await request(tally, op, url, user.token, TREND, { ...variables, from, to: today, geographyAsOf: today, period: from < monthsBack(today, 11) ? 'QUARTER' : 'MONTH' });
        } else {
          const format = next() < 0.5 ? 'CSV' : 'XLSX';
          const data = await request(tally, op, url, user.token, EXPORT, { ...variables, level: q.level, period: q.period, format, language: 'VI' });
          const id = (data?.exportCoverage as { id: string } | undefined)?.id;
          if (id) {
            tally.exportIds.push(id);
            exporting = true;
            following.push(
              followExport(tally, url, user.token, id).finally(() => {
                exporting = false;
              }),
            );
          }
        }
        if (thinkMs > 0) await new Promise((r) => setTimeout(r, thinkMs));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  tally.stopped = true;
  await Promise.all(following);
  return { tally, seconds };
}

/**
 * Entries through logAssists at `perSecond` until stopped: two batches a second as scenario 4, but on a fixed schedule
 * (a batch leaves every 500 ms whether or not the ones before have answered, at most 20 waiting), so that a loaded API
 * slows the answers, not the rate offered.
 */
function ingest(dataSource: DataSource, url: string, token: string, perSecond: number, day: string) {
  let stop = false;
  let sent = 0;
  let failed = 0;
  let skipped = 0;
  const latencies: number[] = [];
  const messages: string[] = [];
  const batch = Math.max(1, Math.round(perSecond / 2));
  const send = async (plan: { groupId: string; memberId: string; unitId: string }) => {
    const { ms, data, error } = await post(url, token, LOG, { input: { groupId: plan.groupId, entries: batchOf(plan, batch, day) } });
    const created = (data?.logAssists as { created: number } | undefined)?.created ?? 0;
    sent += created;
    latencies.push(ms);
    if (created !== batch) {
      failed += batch - created;
      if (messages.length < 3) messages.push(error ?? `${batch - created} of ${batch} rejected`);
    }
  };
  const done = (async () => {
    const plans = await ingestPlans(dataSource, 2000);
    const waiting = new Set<Promise<void>>();
    const started = Date.now();
    for (let tick = 0; !stop; tick++) {
      if (waiting.size < 20) {
        const sending: Promise<void> = send(plans[tick % plans.length]).finally(() => waiting.delete(sending));
        waiting.add(sending);
      } else skipped += batch;
      await new Promise((r) => setTimeout(r, Math.max(0, started + (tick + 1) * 500 - Date.now())));
    }
    await Promise.all(waiting);
  })();
  return {
    status: () => ({ sent, failed, skipped, messages, answered: latencies.length }),
    /** The times of the batches answered from the `from`th on. */
    latencies: (from: number) => latencies.slice(from),
    stop: async () => {
      stop = true;
      await done;
    },
  };
}

/** The accounts of the scenario (created once): a department on the bench province, officers on its communes, an administrator who ingests. */
async function ensureAccounts(dataSource: DataSource, province: string): Promise<{ accounts: Account[]; communes: string[] }> {
  const communes = (
    (await dataSource.query(
      `SELECT c.code FROM admin_unit c JOIN admin_unit p ON p.id = c.parent_id
        WHERE p.code = $1 AND p.valid_to IS NULL AND c.valid_to IS NULL AND c.kind = 'commune' ORDER BY c.code`,
      [province],
    )) as { code: string }[]
  ).map((r) => r.code);
  if (!communes.length) throw new Error(`no communes under ${province} in today's tree`);
  const step = Math.max(1, Math.floor(communes.length / OFFICERS));
  const accounts: Account[] = [
    { email: 'bench.department@cdtg.test', role: 'DEPARTMENT', unitCode: province },
    ...communes
      .filter((_, i) => i % step === 0)
      .slice(0, OFFICERS)
      .map((code, i) => ({ email: `bench.officer${i + 1}@cdtg.test`, role: 'WARD_OFFICER' as const, unitCode: code })),
    { email: 'bench.ingest@cdtg.test', role: 'ADMIN', unitCode: null },
  ];
  for (const a of accounts) {
    const [unit] = a.unitCode ? ((await dataSource.query(`SELECT id FROM admin_unit WHERE code = $1 AND valid_to IS NULL`, [a.unitCode])) as { id: string }[]) : [];
    await ensureBenchAccount(dataSource, { email: a.email, password: PASSWORD, grant: { role: a.role, unitId: unit?.id ?? null } });
  }
  return { accounts, communes };
}

/** The API and the worker from dist/, each in its own process, on free ports; resolves when both answer /health/ready. */
async function startProcesses(options: LoadOptions) {
  const [port, workerPort] = [await freePort(), await freePort()];
  const env = {
    ...benchEnvironment(options.databaseUrl, options),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    WORKER_PORT: String(workerPort),
    SHUTDOWN_GRACE_MS: '3000',
  };
  const api = startNode(API_MAIN, env);
  const worker = startNode(WORKER_MAIN, env);
  const stop = async () => {
    await Promise.all([api.stop(), worker.stop()]);
  };
  const ready = async (proc: typeof api, url: string, name: string) => {
    for (const deadline = Date.now() + 180_000; ; ) {
      if (proc.child.exitCode !== null) throw new Error(`the ${name} exited (${proc.child.exitCode}): ${proc.output().slice(-1000)}`);
      if (Date.now() > deadline) throw new Error(`the ${name} was not ready within 3 minutes: ${proc.output().slice(-1000)}`);
      const ok = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.all([ready(api, url, 'API'), ready(worker, `http://127.0.0.1:${workerPort}`, 'worker')]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop, output: () => `${api.output()}${worker.output()}`, pids: { api: api.child.pid, worker: worker.child.pid } };
}

/** CPU seconds a process has used so far (user + system, from Linux's /proc; NaN elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime and stime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

const lastEvent = async (ds: DataSource) => ((await ds.query(`SELECT coalesce(max(id), 0)::text AS id FROM change_event`)) as { id: string }[])[0].id;


/** 10: the dashboard load at each level of users, with ingest running throughout; one result per level. */
export async function loadScenario(options: LoadOptions): Promise<Result[]> {
  const ds = await createDataSource(options.databaseUrl, DATA_MODEL, 2).initialize();
  let processes: Awaited<ReturnType<typeof startProcesses>> | undefined;
  let ingestion: ReturnType<typeof ingest> | undefined;
  try {
    const { accounts, communes } = await ensureAccounts(ds, options.places.province);
    const starting = Date.now();
    processes = await startProcesses(options);
    options.log(`  API and worker ready in ${((Date.now() - starting) / 1000).toFixed(1)} s`);
    const { url } = processes;
    // The worker first catches up with the ingest of earlier scenarios.
    await caughtUp(ds, 600_000);
    const users: User[] = [];
    let ingestToken = '';
    for (const a of accounts) {
      const token = await benchSignIn(url, a.email, PASSWORD);
      if (a.role === 'ADMIN') ingestToken = token;
      else users.push({ role: a.role === 'DEPARTMENT' ? 'department' : 'officer', token, home: a.unitCode!, communes });
    }
    ingestion = ingest(ds, url, ingestToken, options.perSecond, options.places.today);
    const thinkMs = options.thinkMs ?? 0;
    const warm = await runLevel(url, users, options.users[0], options.warmupMs, 0, thinkMs, options.places);
    if (warm.tally.errors()) options.log(`  warm-up errors: ${warm.tally.messages.join('; ')}`);

    const levels: { users: number; tally: Tally; seconds: number; events: [string, string]; ingest: { sent: number; failed: number; skipped: number }; batches: number[]; busy: number[] }[] = [];
    for (const [k, count] of options.users.entries()) {
      options.log(`  ${count} users for ${options.seconds} s`);
      const since = await lastEvent(ds);
      const before = ingestion.status();
      const cpu = [cpuSeconds(processes.pids.api), cpuSeconds(processes.pids.worker)];
      const { tally, seconds } = await runLevel(url, users, count, options.seconds * 1000, k + 1, thinkMs, options.places);
      const events: [string, string] = [since, await lastEvent(ds)];
      const after = ingestion.status();
      const ingest = { sent: after.sent - before.sent, failed: after.failed - before.failed, skipped: after.skipped - before.skipped };
      // Share of one core each process used during the level.
      const busy = [cpuSeconds(processes.pids.api) - cpu[0], cpuSeconds(processes.pids.worker) - cpu[1]].map((s) => s / seconds);
      levels.push({ users: count, tally, seconds, events, ingest, batches: ingestion.latencies(before.answered), busy });
    }
    await ingestion.stop();
    const { messages: ingestMessages } = ingestion.status();
    ingestion = undefined;
    // Freshness of the entries written during each level, once the worker has projected them.
    await caughtUp(ds, 120_000, levels[0].events[0]);

    const results: Result[] = [];
    for (const [k, level] of levels.entries()) {
      const { tally } = level;
      const answered = tally.latencies(DASHBOARD_OPS).sort((a, b) => a - b);
      // Every request failed: no figures (and the target missed).
      const all = answered.length ? summarise(answered) : { runs: 0, median: NaN, p95: NaN, min: NaN };
      const p99 = quantile(answered, 0.99);
      const requests = tally.count(DASHBOARD_OPS);
      const errors = tally.errors();
      const perOp = DASHBOARD_OPS.map((op) => {
        const s = tally.samples.get(op) ?? [];
        return `${op} ${s.length} (p95 ${s.length ? Math.round(summarise(s).p95) : '–'} ms)`;
      }).join(', ');
      const follow = tally.latencies(['exportStatus', 'download']);
      const lags = (
        (await ds.query(`SELECT extract(epoch FROM processed_at - created_at) * 1000 AS ms FROM change_event WHERE id > $1 AND id <= $2 AND processed_at IS NOT NULL`, level.events)) as {
          ms: number;
        }[]
      ).map((r) => Number(r.ms));
      const freshness = lags.length ? summarise(lags) : undefined;
      const [exports] = (await ds.query(
        `SELECT count(*) FILTER (WHERE status = 'ready')::int AS ready, count(*) FILTER (WHERE status = 'failed')::int AS failed,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM ready_at - created_at)) AS p95
           FROM coverage_export WHERE id = ANY($1::uuid[])`,
        [tally.exportIds],
      )) as { ready: number; failed: number; p95: number | null }[];
      const first = k === 0;
      results.push({
        scenario: `10${first ? '' : String.fromCharCode(97 + k)}. concurrent dashboard load over HTTP, ${level.users} users for ${options.seconds} s while ${options.perSecond} entries/s are ingested`,
        unit: 'ms',
        ours: all,
        target: first ? 'p95 < 100 ms, 0 errors' : 'report',
        met: first ? all.p95 < 100 && errors === 0 && level.ingest.failed === 0 : null,
        note: [
          `${requests} requests, ${(requests / level.seconds).toFixed(1)} req/s, p50 ${all.median.toFixed(1)} / p95 ${all.p95.toFixed(1)} / p99 ${p99.toFixed(1)} ms, ${errors} errors${tally.messages.length ? ` (${tally.messages.join('; ')})` : ''}`,
          `per operation: ${perOp}`,
          `exports: ${tally.exportIds.length} asked, ${exports.ready} ready (p95 ${exports.p95 === null ? '–' : Math.round(Number(exports.p95) * 1000)} ms), ${exports.failed} failed; ${follow.length} status polls and downloads (p95 ${follow.length ? Math.round(summarise(follow).p95) : '–'} ms)`,
          `ingest ${level.ingest.sent} entries (${(level.ingest.sent / level.seconds).toFixed(0)}/s, logAssists p95 ${level.batches.length ? Math.round(summarise(level.batches).p95) : '–'} ms)${level.ingest.failed ? `, ${level.ingest.failed} not stored (${ingestMessages.join('; ')})` : ''}${level.ingest.skipped ? `, ${level.ingest.skipped} not sent (20 batches waiting)` : ''}, freshness p50 ${freshness ? Math.round(freshness.median) : '–'} / p95 ${freshness ? Math.round(freshness.p95) : '–'} ms`,
          `1 user in 5 the department (${options.places.province}), the others ${users.length - 1} ward officers of its communes, ${thinkMs ? `${thinkMs} ms` : 'no'} think time`,
          `API and worker in their own processes${Number.isNaN(level.busy[0]) ? '' : ` (busy ${Math.round(level.busy[0] * 100)}% and ${Math.round(level.busy[1] * 100)}% of a core)`}, rate limiting off (RATE_LIMIT_* = 0)`,
        ].join('; '),
      });
    }
    return results;
  } finally {
    const stopping = Date.now();
    await ingestion?.stop();
    await processes?.stop();
    await ds.destroy();
    options.log(`  stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s`);
  }
}
