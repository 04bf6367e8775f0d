import { Cluster } from './cluster';
import { ClientLedger, Entry, makeEntry, Place, pool, RetryingClient } from './client';

/** How big a scenario is: the short versions run in `npm test`, the full ones in `npm run test:faults`. */
export interface ScenarioSize {
  batches: number;
  batchSize: number;
  /** Batches in flight at once. */
  concurrency: number;
  /** E-mails queued during the scenario (sendTestEmail), spread over the batches. */
  emails: number;
  /** How long Redis stays down. */
  redisDownMs: number;
  /** How long PostgreSQL stays down. */
  postgresDownMs: number;
}

export const SHORT: ScenarioSize = { batches: 16, batchSize: 25, concurrency: 2, emails: 4, redisDownMs: 3000, postgresDownMs: 2000 };
export const FULL: ScenarioSize = { batches: 120, batchSize: 100, concurrency: 3, emails: 20, redisDownMs: 30_000, postgresDownMs: 10_000 };

/** One row of the printed table. */
export interface ScenarioResult {
  scenario: string;
  sent: number;
  acknowledged: number;
  stored: number;
  duplicates: number;
  missing: number;
  counted: number;
  emailsQueued: number;
  emailsDelivered: number;
  retries: number;
  retryableErrors: number;
  internalErrors: number;
  /** The first internal errors' messages, to name them in a failure. */
  internalMessages: string[];
  rollupsConsistent: boolean;
  drained: boolean;
  seconds: number;
}

/** A unit, a group working there and one of its members (joined before the entries' days), made over GraphQL. */
export async function makePlace(cluster: Cluster, client: RetryingClient): Promise<Place> {
  const units = await client.gql<{ importUnits: { created: number } }>(`mutation($csv: String!) { importUnits(input: { csv: $csv }) { created } }`, {
    csv: 'code,name,kind,type,parent_code,valid_from,valid_to\n97,Tỉnh Sự Cố,province,Tỉnh,,2025-07-01,\n97001,Phường Chịu Lỗi,commune,Phường,97,2025-07-01,\n',
  });
  if (units.data?.importUnits.created !== 2) throw new Error(`units not imported: ${JSON.stringify(units)}`);
  const [unit] = await cluster.query<{ id: string }>(`SELECT id FROM admin_unit WHERE code = '97001'`);
  const group = await client.gql<{ createGroup: { id: string } }>(
    `mutation($u: UUID!) { createGroup(input: { unitId: $u, name: "Tổ công nghệ số Chịu Lỗi" }) { id } }`,
    { u: unit.id },
  );
  const member = await client.gql<{ createMember: { id: string } }>(
    `mutation($g: UUID!) { createMember(input: { groupId: $g, fullName: "Lê Thị Bền", phone: "0912 600 001", joinedOn: "2026-01-05", role: LEADER }) { id } }`,
    { g: group.data!.createGroup.id },
  );
  if (!member.data) throw new Error(`member not created: ${JSON.stringify(member.errors)}`);
  return { groupId: group.data!.createGroup.id, unitId: unit.id, memberId: member.data.createMember.id };
}

export interface Workload {
  client: RetryingClient;
  /** Batches answered so far. */
  answered: () => number;
  /** Requests in flight now. */
  inFlight: () => number;
  done: Promise<void>;
}

/** Sends `size.batches` batches (each `copies` times, shuffled: out of order) and the e-mails, with retries. */
export function startWorkload(cluster: Cluster, place: Place, size: ScenarioSize, tag: string, copies = 1): Workload {
  const client = new RetryingClient(
    () => cluster.apiUrl,
    () => cluster.token,
  );
  const batches: Entry[][] = Array.from({ length: size.batches }, (_, b) =>
    Array.from({ length: size.batchSize }, (_, i) => makeEntry(place, b * size.batchSize + i)),
  );
  let answered = 0;
  let inFlight = 0;
  const sends = batches.flatMap((batch) => Array.from({ length: copies }, () => batch));
  if (copies > 1) sends.sort(() => Math.random() - 0.5);
  const emailEvery = Math.max(1, Math.floor(sends.length / Math.max(1, size.emails)));
  let emailsSent = 0;
  const tasks = sends.map((batch, i) => async () => {
    inFlight++;
    try {
      // Re-sent copies carry the same entries: a second copy of a batch is the same payload, as a phone re-syncs it.
      await client.logAssists(place.groupId, copies > 1 ? [...batch].reverse() : batch);
      if (i % emailEvery === 0 && emailsSent < size.emails) await client.sendEmail(`${tag}.${emailsSent++}@example.vn`);
    } finally {
      inFlight--;
      answered++;
    }
  });
  const done = pool(tasks, size.concurrency).then(async () => {
    while (emailsSent < size.emails) await client.sendEmail(`${tag}.${emailsSent++}@example.vn`);
  });
  return { client, answered: () => answered, inFlight: () => inFlight, done };
}

/** After the work and the fault: waits for the queues to drain, then checks every guarantee and returns the counts. */
export async function verify(
  cluster: Cluster,
  scenario: string,
  ledger: ClientLedger,
  tag: string,
  started: number,
  settleMs = 120_000,
): Promise<ScenarioResult> {
  let drained = true;
  try {
    await cluster.settle(settleMs);
  } catch (error) {
    drained = false;
    process.stderr.write(`${scenario}: ${(error as Error).message}\n`);
  }
  const sent = [...ledger.sent];
  const [stored] = await cluster.query<{ rows: number; distinct: number; counted: number }>(
    `SELECT count(*)::int AS rows, count(DISTINCT e.client_id)::int AS distinct,
            (SELECT count(*)::int FROM rollup_entry_fact f JOIN assist_entry x ON x.id = f.entry_id WHERE x.client_id = ANY($1)) AS counted
       FROM assist_entry e WHERE e.client_id = ANY($1)`,
    [sent],
  );
  const storedIds = new Set(
    (await cluster.query<{ client_id: string }>(`SELECT client_id FROM assist_entry WHERE client_id = ANY($1)`, [sent])).map((r) => r.client_id),
  );
  const missing = [...ledger.acknowledged].filter((id) => !storedIds.has(id)).length;
  // Every e-mail row of this scenario was delivered: its Message-ID arrived at the SMTP server (at least once).
  const emails = await cluster.query<{ id: string; status: string }>(`SELECT id, status FROM email_message WHERE to_address LIKE $1`, [`${tag}.%`]);
  const arrived = new Set(cluster.smtp.messages.map((m) => m.parsed.messageId));
  const delivered = emails.filter((e) => e.status === 'sent' && arrived.has(`<${e.id}@cdtg>`)).length;
  const retryable = [...ledger.failures.entries()].filter(([k]) => k !== 'network').reduce((s, [, n]) => s + n, 0);
  return {
    scenario,
    sent: sent.length,
    acknowledged: ledger.acknowledged.size,
    stored: stored.rows,
    duplicates: stored.rows - stored.distinct,
    missing,
    counted: stored.counted,
    emailsQueued: emails.length,
    emailsDelivered: delivered,
    retries: ledger.retries,
    retryableErrors: retryable,
    internalErrors: ledger.internal.length,
    internalMessages: ledger.internal.slice(0, 3),
    rollupsConsistent: await cluster.verifyRollups(),
    drained,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await sleep(20);
  }
};

export type Fault = (cluster: Cluster, work: Workload, size: ScenarioSize) => Promise<void>;

/** The five faults of the issue, and SIGTERM of both processes under load. */
export const FAULTS: Record<string, Fault> = {
  /** kill -9 of the worker while it runs jobs; a new worker takes the stalled jobs back after their lock expires. */
  'worker killed (SIGKILL)': async (cluster, work, size) => {
    await until(() => work.answered() >= Math.ceil(size.batches / 3));
    await until(async () => (await cluster.queueCounts()).jobs > 0, 10_000).catch(() => undefined); // mid-job when possible
    await cluster.stopWorker('SIGKILL');
    await sleep(500);
    await cluster.startWorker();
  },
  /** Redis killed (its data lost: no persistence) while mail jobs wait in it, down for a while, then started empty. */
  'Redis stopped': async (cluster, work, size) => {
    cluster.holdSmtp(); // mail jobs pile up in Redis: the restart loses them unless the outbox sends them again
    await until(() => work.answered() >= Math.ceil(size.batches / 4));
    await cluster.redis.stop('SIGKILL');
    await sleep(size.redisDownMs);
    await cluster.redis.start();
    cluster.releaseSmtp();
  },
  /** kill -9 of the API while a batch is in flight; the client retries the same batch against the restarted API. */
  'API killed (SIGKILL) mid-batch': async (cluster, work, size) => {
    await until(() => work.answered() >= Math.ceil(size.batches / 3));
    await until(() => work.inFlight() > 0);
    await sleep(30);
    await cluster.stopApi('SIGKILL');
    await sleep(300);
    await cluster.startApi();
  },
  /** PostgreSQL stopped and started; the API answers SERVICE_UNAVAILABLE meanwhile and recovers by itself. */
  'PostgreSQL restarted': async (cluster, work, size) => {
    await until(() => work.answered() >= Math.ceil(size.batches / 3));
    await cluster.pg.stop();
    // Meanwhile: readiness says the database is down, and a request gets a typed, retryable error.
    const ready = await fetch(`${cluster.apiUrl}/health/ready`);
    const body = (await ready.json()) as { database: string };
    if (ready.status !== 503 || body.database !== 'down') throw new Error(`readiness during the outage: ${ready.status} ${JSON.stringify(body)}`);
    const answer = await work.client.gql(`query { assistClientIds(clientIds: ["x"]) }`, {});
    if (answer.errors?.[0]?.extensions?.code !== 'SERVICE_UNAVAILABLE') throw new Error(`answer during the outage: ${JSON.stringify(answer)}`);
    await sleep(size.postgresDownMs);
    await cluster.pg.start();
  },
  /** Every batch sent twice, shuffled (see `copies` in the runner): no fault besides the duplicates. */
  'every batch twice, out of order': async () => undefined,
  /** SIGTERM to API and worker under load: both exit 0 after finishing in-flight requests and jobs; started again. */
  'SIGTERM under load': async (cluster, work, size) => {
    await until(() => work.answered() >= Math.ceil(size.batches / 3));
    await until(() => work.inFlight() > 0);
    const [api, worker] = await Promise.all([cluster.stopApi('SIGTERM'), cluster.stopWorker('SIGTERM')]);
    if (api !== 0 || worker !== 0) throw new Error(`exit codes after SIGTERM: api ${api}, worker ${worker}\n${cluster.recentLogs()}`);
    await Promise.all([cluster.startApi(), cluster.startWorker()]);
  },
};

/** Runs one scenario: the workload and the fault at once, then the checks. */
export async function runScenario(cluster: Cluster, place: Place, name: string, size: ScenarioSize): Promise<ScenarioResult> {
  const started = Date.now();
  const tag = `s${started.toString(36)}`;
  const work = startWorkload(cluster, place, size, tag, name.includes('twice') ? 2 : 1);
  const fault = FAULTS[name](cluster, work, size);
  // Both must finish; a failing fault is reported after the workload ends (so no request is left behind).
  const [faultOutcome] = await Promise.allSettled([fault, work.done]).then((r) => {
    if (r[1].status === 'rejected') throw r[1].reason;
    return r;
  });
  if (faultOutcome.status === 'rejected') throw faultOutcome.reason;
  const result = await verify(cluster, name, work.client.ledger, tag, started);
  if (result.internalErrors > 0)
    result.internalMessages.push(
      ...cluster
        .unexpectedErrors()
        .slice(-3)
        .map((l) => l.slice(0, 1500)),
    );
  return result;
}

/** The table printed after the scenarios. */
export function formatTable(title: string, rows: Record<string, string | number | boolean>[]): string {
  if (rows.length === 0) return title;
  const columns = Object.keys(rows[0]);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [title, line(columns), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map((r) => line(columns.map((c) => String(r[c]))))].join('\n');
}

/** The guarantees, as one list of broken ones (empty: all hold). */
export function brokenGuarantees(r: ScenarioResult): string[] {
  const broken: string[] = [];
  if (r.missing > 0) broken.push(`${r.missing} acknowledged entries not stored`);
  if (r.duplicates > 0) broken.push(`${r.duplicates} entries stored twice`);
  if (r.acknowledged !== r.sent) broken.push(`${r.sent - r.acknowledged} entries never acknowledged`);
  if (r.counted !== r.stored) broken.push(`counted ${r.counted} ≠ stored ${r.stored}`);
  if (!r.rollupsConsistent) broken.push('rollups differ from a full rebuild');
  if (r.emailsDelivered !== r.emailsQueued) broken.push(`${r.emailsQueued - r.emailsDelivered} e-mails not delivered`);
  if (!r.drained) broken.push('outbox or queues not drained');
  if (r.internalErrors > 0) broken.push(`${r.internalErrors} internal errors: ${r.internalMessages.join(' | ')}`);
  return broken;
}
