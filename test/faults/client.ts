import { randomUUID } from 'node:crypto';

export const LOG_ASSISTS = `mutation($input: LogAssistsInput!) { logAssists(input: $input) { created alreadyStored rejected entries { clientId outcome } } }`;
const SEND_EMAIL = `mutation($input: SendTestEmailInput!) { sendTestEmail(input: $input) { id } }`;

export interface GqlAnswer<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** What a client saw: acknowledged ids, and every kind of refusal counted by its code. */
export class ClientLedger {
  /** Client ids of entries sent (each unique entry once, however often it was re-sent). */
  readonly sent = new Set<string>();
  /** Client ids the API answered Created or AlreadyStored. */
  readonly acknowledged = new Set<string>();
  rejected = 0;
  created = 0;
  alreadyStored = 0;
  requests = 0;
  retries = 0;
  emailsAcknowledged = 0;
  /** Answers by kind: "network", "http-503", "SERVICE_UNAVAILABLE", … */
  readonly failures = new Map<string, number>();
  /** Answers that must never happen: HTTP 500 or INTERNAL_SERVER_ERROR. */
  readonly internal: string[] = [];

  count(kind: string): void {
    this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
  }
}

export interface Place {
  groupId: string;
  unitId: string;
  memberId: string;
}

export interface Entry {
  clientId: string;
  household: { address: string; headName: string };
  unitId: string;
  services: { service: string; outcome: string; reason?: string }[];
  volunteerIds: string[];
  occurredAt: string;
  note?: string;
}

const SERVICES = ['VNEID_ACCOUNT', 'VNEID_LEVEL_2', 'PORTAL_ACCOUNT', 'ONLINE_APPLICATION', 'CASHLESS_PAYMENT', 'EHEALTH_RECORD'];
const STREETS = ['Lê Lợi', 'Hùng Vương', 'Trần Phú', 'Nguyễn Văn Linh', 'Hà Huy Tập', 'Điện Biên Phủ'];

/** A valid entry; households repeat (1 in 3) so the rollups count distinct households, not entries. */
export function makeEntry(place: Place, i: number): Entry {
  const house = Math.floor(Math.random() * 3000);
  const day = 1 + (i % 20);
  return {
    clientId: randomUUID(),
    household: { address: `${house} ${STREETS[house % STREETS.length]}, tổ ${1 + (house % 9)}`, headName: `Hộ ${house}` },
    unitId: place.unitId,
    services: [{ service: SERVICES[i % SERVICES.length], outcome: i % 7 === 0 ? 'FOLLOW_UP' : 'DONE', ...(i % 7 === 0 ? { reason: 'NO_SMARTPHONE' } : {}) }],
    volunteerIds: [place.memberId],
    occurredAt: `2026-11-${String(day).padStart(2, '0')}T${String(7 + (i % 10)).padStart(2, '0')}:30`,
  };
}

/**
 * A phone that syncs batches: it retries a batch (same client ids) on a network error, an HTTP 5xx or a retryable
 * GraphQL error, until the API answers, as the offline-sync client does.
 */
export class RetryingClient {
  constructor(
    private readonly url: () => string,
    private readonly token: () => string,
    readonly ledger = new ClientLedger(),
    private readonly deadlineMs = 180_000,
  ) {}

  async gql<T>(query: string, variables: Record<string, unknown>): Promise<GqlAnswer<T>> {
    this.ledger.requests++;
    const res = await fetch(`${this.url()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token()}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let body: GqlAnswer<T>;
    try {
      body = JSON.parse(text) as GqlAnswer<T>;
    } catch {
      body = { status: res.status, errors: [{ message: text.slice(0, 200), extensions: { code: `HTTP_${res.status}` } }] };
    }
    return { ...body, status: res.status };
  }

  /** Sends until answered; returns the answer's data. */
  private async untilAnswered<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const deadline = Date.now() + this.deadlineMs;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        this.ledger.retries++;
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 1000)));
      }
      if (Date.now() > deadline) throw new Error(`no answer within ${this.deadlineMs} ms`);
      let answer: GqlAnswer<T>;
      try {
        answer = await this.gql<T>(query, variables);
      } catch {
        this.ledger.count('network');
        continue;
      }
      const code = answer.errors?.[0]?.extensions?.code;
      if (answer.status >= 500 && answer.status !== 503) this.ledger.internal.push(`HTTP ${answer.status}: ${answer.errors?.[0]?.message}`);
      if (code === 'INTERNAL_SERVER_ERROR') this.ledger.internal.push(`INTERNAL_SERVER_ERROR: ${answer.errors?.[0]?.message}`);
      if (answer.data && !answer.errors) return answer.data;
      this.ledger.count(code ?? `http-${answer.status}`);
      if (code === 'SERVICE_UNAVAILABLE' || answer.status >= 500 || code === 'INTERNAL_SERVER_ERROR') continue;
      throw new Error(`refused: ${JSON.stringify(answer.errors)}`);
    }
  }

  async logAssists(groupId: string, entries: Entry[]): Promise<void> {
    for (const e of entries) this.ledger.sent.add(e.clientId);
    const data = await this.untilAnswered<{
      logAssists: { created: number; alreadyStored: number; rejected: number; entries: { clientId: string; outcome: string }[] };
    }>(LOG_ASSISTS, { input: { groupId, entries } });
    for (const e of data.logAssists.entries) if (e.outcome !== 'REJECTED') this.ledger.acknowledged.add(e.clientId);
    this.ledger.created += data.logAssists.created;
    this.ledger.alreadyStored += data.logAssists.alreadyStored;
    this.ledger.rejected += data.logAssists.rejected;
  }

  async sendEmail(to: string): Promise<void> {
    await this.untilAnswered(SEND_EMAIL, { input: { to } });
    this.ledger.emailsAcknowledged++;
  }
}

/** Runs `tasks` with at most `concurrency` at a time. */
export async function pool(tasks: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, tasks.length) }, async () => {
      while (next < tasks.length) await tasks[next++]();
    }),
  );
}
