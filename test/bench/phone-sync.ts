import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { BenchApp, ensureBenchAccount } from './bench-app';
import { Result } from './scenarios';
import { LinkCounters, LinkShape, ShapedLink } from './shaped-link';
import { fmt, prng, summarise } from './stats';

/**
 * 12: sync of a lead's phone over a slow link. The phone holds entries queued offline and sends them the way the web
 * console's offline queue does (apps/web/src/lead/queue.ts: its mutation document and batch size, read from the
 * source below; one pass sends every pending entry batch after batch and stops at the first batch that does not reach
 * the server, which goes again at the next sync: useSyncLoop's 20-second timer), through a ShapedLink in front of
 * the API. What is measured is the time until every entry is synced, the requests and the bytes on the link; the
 * database must then hold each entry exactly once.
 */

/** What the console's offline queue does, read from its source so that the benchmark cannot drift from it. */
export interface ConsoleQueue {
  /** The logAssists mutation the queue sends (queue.ts `LOG`). */
  document: string;
  /** Entries per request (queue.ts `BATCH`). */
  batch: number;
  /** How often the lead's screen syncs while it is open (useSyncLoop's setInterval in lib/hooks.ts). */
  syncEveryMs: number;
}

export function consoleQueue(): ConsoleQueue {
  let root = __dirname;
  while (!existsSync(join(root, 'apps/web/src/lead/queue.ts'))) {
    if (dirname(root) === root) throw new Error('apps/web/src/lead/queue.ts not found above the benchmark');
    root = dirname(root);
  }
  const queue = readFileSync(join(root, 'apps/web/src/lead/queue.ts'), 'utf8');
  const hooks = readFileSync(join(root, 'apps/web/src/lib/hooks.ts'), 'utf8');
  const document = /const LOG = `([^`]+)`;/.exec(queue)?.[1];
  const batch = /const BATCH = ([\d_]+);/.exec(queue)?.[1];
  const every = /setInterval\(sync, ([\d_]+)\)/.exec(hooks)?.[1];
  if (!document || !batch || !every) throw new Error('the offline queue changed shape: update consoleQueue() in test/bench/phone-sync.ts (LOG and BATCH in queue.ts, the sync timer of useSyncLoop in lib/hooks.ts)');
  return { document, batch: Number(batch.replace(/_/g, '')), syncEveryMs: Number(every.replace(/_/g, '')) };
}

/** The queue's entry as the console writes it to IndexedDB (the fields sync reads and writes). */
interface QueuedEntry {
  clientId: string;
  groupId: string;
  input: Record<string, unknown> | null;
  status: 'pending' | 'synced' | 'rejected';
  problems: unknown[];
  lastError: string | null;
  entryId: string | null;
  createdAt: string;
}

interface Answer {
  logAssists: { entries: { clientId: string; outcome: 'CREATED' | 'ALREADY_STORED' | 'REJECTED'; entryId: string | null; problems: unknown[] }[] };
}

/** As apps/web/src/lib/api.ts's ApiError: an API refusal (extensions.code), or OFFLINE when the server was not reached. */
class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly fields: { path: (string | number)[]; message: string }[] = [],
  ) {
    super(message);
  }
}

/** A lead account of the benchmark data and what its phone logs with: its group, the group's unit, who helped. */
export interface LeadPlan {
  email: string;
  password: string;
  groupId: string;
  unitId: string;
  unitName: string;
  /** The members the lead ticks as having helped (remembered from one entry to the next by the console). */
  volunteerIds: string[];
}

/**
 * The lead of a residential group's group (created once, like the benchmark administrator): the account of the
 * group's leader, with a GROUP_LEAD grant to the group. The entries name the group's residential group in force today
 * (the console's picker offers it; a group founded before the 2025 reform logs under its successor, found by code as
 * in the ingest scenarios); the volunteers are the leader and the deputy.
 */
export async function leadPlan(app: BenchApp['app'], firstDay: string): Promise<LeadPlan> {
  const ds = app.get(DataSource);
  const email = 'bench.phone-lead@cdtg.test';
  const password = 'bench-lead-password-2026';
  let [grant] = (await ds.query(
    `SELECT g.group_id AS "groupId" FROM role_grant g JOIN user_account a ON a.id = g.user_id WHERE a.email = $1 AND g.role = 'GROUP_LEAD' AND g.revoked_at IS NULL`,
    [email],
  )) as { groupId: string }[];
  if (!grant) {
    const [leader] = (await ds.query(
      `SELECT g.id AS "groupId", ms.member_id AS "memberId", m.full_name AS name
         FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id AND u.kind = 'residential_group'
         JOIN admin_unit today ON today.code = u.code AND today.kind = u.kind AND today.valid_to IS NULL AND coalesce(today.valid_from, '-infinity') <= $1::date
         JOIN membership ms ON ms.group_id = g.id AND ms.role = 'leader' AND ms.to_date IS NULL AND ms.from_date <= $1::date
         JOIN member m ON m.id = ms.member_id
        WHERE g.status = 'active' AND NOT EXISTS (SELECT 1 FROM user_account a WHERE a.member_id = ms.member_id)
        ORDER BY g.id LIMIT 1`,
      [firstDay],
    )) as { groupId: string; memberId: string; name: string }[];
    if (!leader) throw new Error('no residential group with a leader for the phone sync scenario');
    await ensureBenchAccount(ds, { email, password, displayName: leader.name, memberId: leader.memberId, grant: { role: 'GROUP_LEAD', groupId: leader.groupId } });
    grant = { groupId: leader.groupId };
  }
  const [unit] = (await ds.query(`SELECT today.id, today.name FROM volunteer_group g JOIN admin_unit u ON u.id = g.unit_id
       JOIN admin_unit today ON today.code = u.code AND today.kind = u.kind AND today.valid_to IS NULL WHERE g.id = $1`, [grant.groupId])) as { id: string; name: string }[];
  const helpers = (await ds.query(
    `SELECT member_id AS id FROM membership WHERE group_id = $1 AND to_date IS NULL AND from_date <= $2::date AND role IN ('leader', 'deputy') ORDER BY role DESC, member_id`,
    [grant.groupId, firstDay],
  )) as { id: string }[];
  return { email, password, groupId: grant.groupId, unitId: unit.id, unitName: unit.name, volunteerIds: helpers.map((h) => h.id) };
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Thanh', 'Ngọc', 'Thị Thu', 'Văn Quốc'];
const GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Hà', 'Hạnh', 'Hoa', 'Hùng', 'Lan', 'Long', 'Mai', 'Nam', 'Phúc', 'Quang', 'Sơn', 'Tâm', 'Thảo', 'Trang', 'Tuấn', 'Yến'];
const STREET = ['Lê Lợi', 'Trần Phú', 'Nguyễn Huệ', 'Hùng Vương', 'Quang Trung', 'Lý Thường Kiệt', 'Hai Bà Trưng', 'Phan Chu Trinh', 'Ngô Quyền', 'Điện Biên Phủ'];
const SERVICES = ['VNEID_ACCOUNT', 'VNEID_LEVEL_2', 'PORTAL_ACCOUNT', 'ONLINE_APPLICATION', 'CASHLESS_PAYMENT', 'EHEALTH_RECORD'];
const REASONS = ['MISSING_DOCUMENTS', 'NO_SMARTPHONE', 'NO_SIGNAL', 'DECLINED'];
const NOTES = [
  'Hướng dẫn cài đặt ứng dụng VNeID cho chủ hộ và con gái',
  'Hẹn quay lại khi gia đình làm xong căn cước',
  'Hỗ trợ thanh toán tiền điện qua ứng dụng ngân hàng',
  'Người cao tuổi, cần con cháu hỗ trợ thêm',
  'Đã hướng dẫn nộp hồ sơ trực tuyến trên Cổng dịch vụ công',
];

/**
 * `count` entries as the lead's form queues them (queue.ts `enqueue`): a household by address and head of household
 * (a code for one in four), the group's unit, one to three services (one in five a follow-up with its reason), the
 * remembered volunteers, a local time over the week ending `lastDay`, a note for one in seven; a fresh client id each.
 * One entry in twenty visits a household logged earlier in the queue again.
 */
export function queuedEntries(plan: LeadPlan, count: number, lastDay: string, seed: number): QueuedEntry[] {
  const rnd = prng(seed); // seeded: every run queues entries of the same shape and size
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const days = Array.from({ length: 7 }, (_, i) => new Date(Date.parse(`${lastDay}T00:00:00Z`) - (6 - i) * 86_400_000).toISOString().slice(0, 10));
  const households: Record<string, string>[] = [];
  const queuedFrom = Date.parse(`${days[0]}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => {
    const repeat = households.length > 10 && rnd() < 0.05;
    const household = repeat
      ? pick(households)
      : rnd() < 0.25
        ? { code: String(7_900_000_000 + Math.floor(rnd() * 99_999_999)) }
        : {
            address: `${1 + Math.floor(rnd() * 180)}${rnd() < 0.3 ? `/${1 + Math.floor(rnd() * 40)}` : ''} ${pick(STREET)}, ${plan.unitName}`,
            headName: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
          };
    if (!repeat) households.push(household);
    const services = [...SERVICES].sort(() => rnd() - 0.5).slice(0, 1 + Math.floor(rnd() * rnd() * 3));
    const day = days[Math.floor((i * days.length) / count)];
    const minute = 7 * 60 + Math.floor(((i % Math.ceil(count / days.length)) / Math.ceil(count / days.length)) * 12 * 60);
    const input: Record<string, unknown> = {
      household,
      unitId: plan.unitId,
      services: services.map((service) => (rnd() < 0.2 ? { service, outcome: 'FOLLOW_UP', reason: pick(REASONS) } : { service, outcome: 'DONE' })),
      volunteerIds: plan.volunteerIds,
      occurredAt: `${day}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`,
      ...(rnd() < 1 / 7 ? { note: pick(NOTES) } : {}),
    };
    const clientId = randomUUID();
    input.clientId = clientId;
    return {
      clientId,
      groupId: plan.groupId,
      input,
      status: 'pending',
      problems: [],
      lastError: null,
      entryId: null,
      createdAt: new Date(queuedFrom + i * 60_000).toISOString(),
    };
  });
}

/** Headers a phone's Chrome adds to the console's own (content-type, authorization) on a same-origin fetch POST. */
const BROWSER_HEADERS = (origin: string) => ({
  'sec-ch-ua-platform': '"Android"',
  'sec-ch-ua': '"Chromium";v="131", "Not_A Brand";v="24", "Google Chrome";v="131"',
  'sec-ch-ua-mobile': '?1',
  'user-agent': 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  accept: '*/*',
  origin,
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'cors',
  'sec-fetch-dest': 'empty',
  referer: `${origin}/`,
  'accept-encoding': 'gzip, deflate, br, zstd',
  'accept-language': 'vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7',
});

/** The phone's side of HTTP: the console's `post()` (apps/web/src/lib/api.ts) over one keep-alive agent, counted. */
class PhoneHttp {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 6 });
  requests = 0;
  /** Request and answer bodies, and what gzip (level 6, as CompressionStream) would make of them. */
  readonly bodies = { up: 0, upGzipped: 0, down: 0, downGzipped: 0 };

  constructor(
    private readonly base: string,
    private readonly token: string | null,
    private readonly gzipRequests = false,
  ) {}

  post<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const json = Buffer.from(JSON.stringify({ query, variables }));
    const gzipped = gzipSync(json);
    this.bodies.up += json.length;
    this.bodies.upGzipped += gzipped.length;
    const body = this.gzipRequests ? gzipped : json;
    this.requests++;
    return new Promise<T>((resolve, reject) => {
      const req = request(
        `${this.base}/graphql`,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            ...BROWSER_HEADERS(this.base),
            'content-type': 'application/json',
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
            ...(this.gzipRequests ? { 'content-encoding': 'gzip' } : {}),
            'content-length': body.length,
          },
          timeout: 300_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', () => reject(new ApiError('network unreachable', 'OFFLINE')));
          res.on('end', () => {
            const text = Buffer.concat(chunks);
            this.bodies.down += text.length;
            this.bodies.downGzipped += gzipSync(text).length;
            let parsed: { data?: T | null; errors?: { message: string; extensions?: { code?: string; fields?: ApiError['fields'] } }[] };
            try {
              parsed = JSON.parse(text.toString('utf8'));
            } catch {
              const status = res.statusCode ?? 0;
              return reject(new ApiError(`HTTP ${status}`, status === 413 ? 'PAYLOAD_TOO_LARGE' : status >= 500 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR'));
            }
            const first = parsed.errors?.[0];
            if (first) return reject(new ApiError(first.message, first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.extensions?.fields ?? []));
            if (!parsed.data) return reject(new ApiError(`HTTP ${res.statusCode}`, 'INTERNAL_SERVER_ERROR'));
            resolve(parsed.data);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => reject(new ApiError('network unreachable', 'OFFLINE')));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Signs the lead in through the real signIn mutation, over the phone's link; the access token. */
async function signIn(http: PhoneHttp, plan: LeadPlan): Promise<string> {
  const data = await http.post<{ signIn: { accessToken: string } }>(`mutation($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { accessToken accessTokenExpiresAt refreshToken } }`, {
    e: plan.email,
    p: plan.password,
  });
  return data.signIn.accessToken;
}

interface PassReport {
  sent: number;
  synced: number;
  rejected: number;
  error: unknown;
}

/**
 * One sync pass, as queue.ts's doSync: the pending entries by group, oldest first, in batches; an answer marks each
 * entry synced or rejected; a batch refused as a whole (FORBIDDEN, NOT_FOUND, BAD_USER_INPUT) rejects the entries it
 * names (or all); any other failure (not reached, server busy) ends the pass with everything left pending.
 */
async function syncPass(http: PhoneHttp, queue: QueuedEntry[], document: string, batchSize: number, outcomes: Record<string, number>, beforeBatch: (i: number) => void): Promise<PassReport> {
  const report: PassReport = { sent: 0, synced: 0, rejected: 0, error: null };
  const pending = queue.filter((e) => e.status === 'pending' && e.input).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const byGroup = new Map<string, QueuedEntry[]>();
  for (const entry of pending) byGroup.set(entry.groupId, [...(byGroup.get(entry.groupId) ?? []), entry]);
  let batchNo = 0;
  for (const [groupId, entries] of byGroup) {
    for (let i = 0; i < entries.length; i += batchSize) {
      const batch = entries.slice(i, i + batchSize);
      report.sent += batch.length;
      beforeBatch(batchNo++);
      let answer: Answer;
      try {
        answer = await http.post<Answer>(document, { input: { groupId, entries: batch.map((e) => e.input) } });
      } catch (error) {
        report.error = error;
        if (!(error instanceof ApiError) || !['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT'].includes(error.code)) {
          for (const e of batch) e.lastError = error instanceof ApiError ? error.code : 'ERROR';
          return report;
        }
        const named = new Map<number, unknown[]>();
        for (const p of error.fields) {
          const index = p.path[0] === 'input' && p.path[1] === 'entries' ? Number(p.path[2]) : NaN;
          if (Number.isInteger(index)) named.set(index, [...(named.get(index) ?? []), p]);
        }
        batch.forEach((e, index) => {
          if (named.size === 0 || named.has(index)) Object.assign(e, { status: 'rejected', problems: named.get(index) ?? error.fields, lastError: null });
        });
        report.rejected += named.size || batch.length;
        continue;
      }
      const results = new Map(answer.logAssists.entries.map((r) => [r.clientId, r]));
      for (const e of batch) {
        const r = results.get(e.clientId);
        if (!r) continue;
        outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
        if (r.outcome === 'REJECTED') {
          report.rejected++;
          Object.assign(e, { status: 'rejected', problems: r.problems, lastError: null });
        } else {
          report.synced++;
          Object.assign(e, { status: 'synced', input: null, entryId: r.entryId, problems: [], lastError: null });
        }
      }
    }
  }
  return report;
}

export interface SyncRun {
  ms: number;
  batch: number;
  requests: number;
  passes: number;
  link: LinkCounters;
  bodies: PhoneHttp['bodies'];
  outcomes: Record<string, number>;
  synced: number;
  rejected: number;
  /** In the database afterwards: entries with the queue's client ids, and distinct ones. */
  stored: number;
  distinct: number;
  signInMs: number;
}

/**
 * A phone with `count` queued entries, signed in over `shape`, syncs them: a first pass when the screen opens, then
 * one on each tick of the console's timer (every `syncEveryMs` from the opening) while anything is pending. `cutBatch`:
 * the answer to that batch of the first pass is lost on the way back.
 */
export async function syncPhone(
  api: BenchApp,
  plan: LeadPlan,
  options: { count: number; lastDay: string; shape: LinkShape; batch: number; document: string; syncEveryMs: number; cutBatch?: number; gzipRequests?: boolean; seed: number },
): Promise<SyncRun> {
  const target = { host: '127.0.0.1', port: Number(new URL(api.url).port) };
  // Signed in earlier (the console keeps the session): over the link, on a connection of its own, not counted.
  let signInMs: number;
  let token: string;
  {
    const link = await ShapedLink.open(target, options.shape);
    const http = new PhoneHttp(link.url, null);
    try {
      const signInStarted = Date.now();
      token = await signIn(http, plan);
      signInMs = Date.now() - signInStarted;
    } finally {
      http.close();
      await link.close();
    }
  }
  const link = await ShapedLink.open(target, options.shape);
  const phone = new PhoneHttp(link.url, token, options.gzipRequests);
  try {
    const queue = queuedEntries(plan, options.count, options.lastDay, options.seed);
    const outcomes: Record<string, number> = {};
    const started = Date.now();
    let passes = 0;
    for (;;) {
      const first = passes === 0;
      await syncPass(phone, queue, options.document, options.batch, outcomes, (i) => first && i === options.cutBatch && link.cutNextAnswer());
      passes++;
      if (!queue.some((e) => e.status === 'pending')) break;
      if (passes >= 10) throw new Error(`phone sync: entries still pending after ${passes} passes`);
      // The next tick of the screen's timer, which started when the screen opened (with the first pass).
      const elapsed = Date.now() - started;
      await new Promise((r) => setTimeout(r, options.syncEveryMs - (elapsed % options.syncEveryMs)));
    }
    const ms = Date.now() - started;
    const ids = queue.map((e) => e.clientId);
    const [db] = (await api.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS stored, count(DISTINCT client_id)::int AS "distinct" FROM assist_entry WHERE client_id = ANY($1::text[])`, [ids])) as { stored: number; distinct: number }[];
    return {
      ms,
      batch: options.batch,
      requests: phone.requests,
      passes,
      link: link.counters,
      bodies: { ...phone.bodies },
      outcomes,
      synced: queue.filter((e) => e.status === 'synced').length,
      rejected: queue.filter((e) => e.status === 'rejected').length,
      stored: db.stored,
      distinct: db.distinct,
      signInMs,
    };
  } finally {
    phone.close();
    await link.close();
  }
}

/** How many entries of a run are missing from the database, and how many are there more than once. */
const integrity = (run: SyncRun, count: number) => ({ lost: count - run.distinct, duplicated: run.stored - run.distinct });
/** Where a run's time went: sending each way at the link's rate, a round trip per request and per connection, the rest (the server, the phone). */
function breakdown(r: SyncRun, shape: LinkShape): string {
  const up = (r.link.up * 8) / shape.bitsPerSecond;
  const down = (r.link.down * 8) / shape.bitsPerSecond;
  const trips = r.requests + r.link.connections;
  const rest = r.ms / 1000 - up - down - (trips * shape.rttMs) / 1000;
  return `sending ${fmt(up, 1)} s up + ${fmt(down, 1)} s down, ${trips} round trips ${fmt((trips * shape.rttMs) / 1000, 1)} s, the rest ${fmt(rest, 1)} s`;
}
const kb = (bytes: number) => `${fmt(bytes / 1000, 0)} kB`;

export interface PhoneSyncLoad {
  /** Entries queued on the phone. */
  entries: number;
  link: LinkShape;
  /** Runs of the headline over the link and of the baseline over the unshaped loopback (interleaved). */
  repeats: number;
  /** Other batch sizes to time over the link, one run each (the console's own is the headline). */
  batchSizes: number[];
  /** The console's sync timer, shortened for the smoke test (default: the console's). */
  syncEveryMs?: number;
}

/**
 * Scenario 12: the headline (the console's batch size over the shaped link) against the same sync over the unshaped
 * loopback (the same proxy, no shaping), then other batch sizes, gzipped request bodies (which the API's JSON parser
 * inflates; the console does not send them), and a lost answer re-sent at the next sync.
 */
export async function phoneSyncScenario(api: BenchApp, load: PhoneSyncLoad, lastDay: string, log: (line: string) => void): Promise<Result[]> {
  const queue = consoleQueue();
  const firstDay = new Date(Date.parse(`${lastDay}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  const plan = await leadPlan(api.app, firstDay);
  const syncEveryMs = load.syncEveryMs ?? queue.syncEveryMs;
  const unshaped: LinkShape = { bitsPerSecond: Infinity, rttMs: 0 };
  let seed = 1;
  const run = (shape: LinkShape, batch = queue.batch, extra: { cutBatch?: number; gzipRequests?: boolean } = {}) =>
    syncPhone(api, plan, { count: load.entries, lastDay, shape, batch, document: queue.document, syncEveryMs, seed: seed++, ...extra });
  const linkName = `${fmt(load.link.bitsPerSecond / 1000, 0)} kbit/s, ${fmt(load.link.rttMs, 0)} ms RTT`;
  const n = load.entries.toLocaleString('en-US');
  const all: SyncRun[] = [];
  const traffic = (r: SyncRun) =>
    `${r.requests} request${r.requests === 1 ? '' : 's'}, ${r.link.connections} connection${r.link.connections === 1 ? '' : 's'}, ${kb(r.link.up)} up / ${kb(r.link.down)} down (${fmt(r.link.up / load.entries, 0)} B/entry up)`;

  const shaped: SyncRun[] = [];
  const base: SyncRun[] = [];
  for (let i = 0; i < load.repeats; i++) {
    log(`  ${n} entries in batches of ${queue.batch} over ${linkName}, run ${i + 1}`);
    shaped.push(await run(load.link));
    base.push(await run(unshaped));
  }
  all.push(...shaped, ...base);
  const head = [...shaped].sort((a, b) => a.ms - b.ms)[Math.floor((shaped.length - 1) / 2)];
  const timing = (runs: SyncRun[]) => (runs.length > 1 ? summarise(runs.map((r) => r.ms / 1000)) : { value: runs[0].ms / 1000 });
  const results: Result[] = [];
  const sweep: SyncRun[] = [];
  for (const size of load.batchSizes.filter((s) => s !== queue.batch)) {
    log(`  batches of ${size}`);
    sweep.push(await run(load.link, size));
  }
  log('  gzipped request bodies');
  const gzipped = await run(load.link, queue.batch, { gzipRequests: true });
  const batches = Math.ceil(load.entries / queue.batch);
  const cutBatch = Math.min(2, batches - 1);
  log(`  the answer to batch ${cutBatch + 1} lost`);
  const cut = await run(load.link, queue.batch, { cutBatch });
  all.push(...sweep, gzipped, cut);
  const intact = (r: SyncRun) => integrity(r, load.entries).lost === 0 && integrity(r, load.entries).duplicated === 0 && r.synced === load.entries;
  const stored = (runs: SyncRun[]) => {
    const lost = runs.reduce((s, r) => s + integrity(r, load.entries).lost, 0);
    const duplicated = runs.reduce((s, r) => s + integrity(r, load.entries).duplicated, 0);
    return `${runs.length > 1 ? `${runs.length} runs × ` : ''}${n} stored once: ${lost} lost, ${duplicated} duplicated`;
  };

  results.push({
    scenario: `12. sync of a lead's phone: ${n} queued entries in batches of ${queue.batch} (the console's) over ${linkName} vs the unshaped loopback`,
    unit: 's',
    ours: timing(shaped),
    baseline: timing(base),
    target: 'every entry stored once',
    met: [...shaped, ...base].every(intact),
    note:
      `${traffic(head)}; ${breakdown(head, load.link)}; request bodies gzipped would be ${kb(head.bodies.upGzipped)} instead of ${kb(head.bodies.up)}, answers ${kb(head.bodies.downGzipped)} instead of ${kb(head.bodies.down)}; ` +
      `sign-in over the link ${fmt(head.signInMs / 1000, 1)} s (not counted); ${stored([...shaped, ...base])}`,
  });
  for (const r of sweep) {
    results.push({
      scenario: `12b. the same in batches of ${r.batch}`,
      unit: 's',
      ours: { value: r.ms / 1000 },
      target: 'report',
      met: intact(r) ? null : false,
      note: `${traffic(r)}; ${breakdown(r, load.link)}; ${stored([r])}`,
    });
  }
  results.push({
    scenario: `12c. the same with gzipped request bodies (Content-Encoding: gzip, inflated by the API's JSON parser; the console does not send it)`,
    unit: 's',
    ours: { value: gzipped.ms / 1000 },
    target: 'report',
    met: intact(gzipped) ? null : false,
    note: `${traffic(gzipped)}; ${breakdown(gzipped, load.link)}; ${stored([gzipped])}`,
  });
  results.push({
    scenario: `12d. the same, the answer to batch ${cutBatch + 1} lost (connection reset after the server stored it), re-sent at the console's next sync (every ${fmt(syncEveryMs / 1000, syncEveryMs < 1000 ? 1 : 0)} s)`,
    unit: 's',
    ours: { value: cut.ms / 1000 },
    target: 'every entry stored once',
    met: intact(cut),
    note: `${cut.passes} passes, ${traffic(cut)}; answers ${Object.entries(cut.outcomes)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}; ${stored([cut])}`,
  });
  return results;
}
