import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from '@cdtg/database';
import { ALL_QUEUE_NAMES } from '@cdtg/queue';
import { RebuildService } from '@cdtg/rollups';
import { DATA_MODEL } from '../../libs/runtime/src/data-model';
import { runMigrations } from '../../libs/runtime/src/migrate';
import { API_MAIN, freePort, signInAsAdmin, startNode, waitReady, WORKER_MAIN } from '../support/processes';
import { PrivatePostgres, PrivateRedis } from '../support/services';
import { TestSmtpServer } from '../support/smtp';

type NodeProcess = ReturnType<typeof startNode>;

export interface ClusterOptions {
  /** Extra environment of both processes. */
  env?: Record<string, string>;
}

/** What the data says after a scenario settled. */
export interface Settled {
  outboxPending: number;
  eventsPending: number;
  emailsQueued: number;
  queueJobs: number;
  failedJobs: number;
}

/**
 * A real deployment on loopback: a private PostgreSQL and Redis (so they can be stopped), an SMTP server in this
 * process, and the compiled API and worker as separate processes. Every part can be killed and started again.
 */
export class Cluster {
  readonly pg = new PrivatePostgres();
  readonly redis = new PrivateRedis();
  readonly smtp: TestSmtpServer;
  api: NodeProcess | null = null;
  worker: NodeProcess | null = null;
  apiUrl = '';
  workerUrl = '';
  databaseUrl = '';
  token = '';
  private apiPort = 0;
  private workerPort = 0;
  private smtpGate: Promise<void> | null = null;
  private openGate?: () => void;
  /** Everything the processes printed, kept for a failing test's message. */
  private readonly logs: string[] = [];

  constructor(private readonly options: ClusterOptions = {}) {
    this.smtp = new TestSmtpServer({ beforeAccept: async () => this.smtpGate ?? undefined });
  }

  async start(): Promise<this> {
    await Promise.all([this.pg.start(), this.redis.start(), this.smtp.start()]);
    this.databaseUrl = await this.pg.createDatabase('cdtg');
    await runMigrations(this.databaseUrl);
    [this.apiPort, this.workerPort] = [await freePort(), await freePort()];
    this.apiUrl = `http://127.0.0.1:${this.apiPort}`;
    this.workerUrl = `http://127.0.0.1:${this.workerPort}`;
    await Promise.all([this.startApi(), this.startWorker()]);
    this.token = await signInAsAdmin(this.databaseUrl, this.apiUrl);
    return this;
  }

  private env(): Record<string, string> {
    return {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redis.url,
      SMTP_URL: this.smtp.url,
      QUEUE_PREFIX: 'faults',
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '6',
      OUTBOX_POLL_MS: '200',
      // Retries that outlast a database restart (1+2+4+8+16 s), and stalled jobs taken back quickly after a kill -9.
      JOB_BACKOFF_MS: '1000',
      JOB_LOCK_MS: '3000',
      SHUTDOWN_GRACE_MS: '15000',
      PASSWORD_HASH_MEMORY_KIB: '8192',
      RATE_LIMIT_PER_USER: '0',
      RATE_LIMIT_PER_ADDRESS: '0',
      DEMO_CITY: 'false',
      ...this.options.env,
    };
  }

  async startApi(): Promise<void> {
    this.api = this.track('api', startNode(API_MAIN, { ...this.env(), PORT: String(this.apiPort) }));
    await waitReady(this.apiUrl, 60_000);
  }

  async startWorker(): Promise<void> {
    this.worker = this.track('worker', startNode(WORKER_MAIN, { ...this.env(), WORKER_PORT: String(this.workerPort) }));
    await waitReady(this.workerUrl, 60_000);
  }

  private track(name: string, proc: NodeProcess): NodeProcess {
    proc.child.on('exit', (code, signal) => this.logs.push(`[${name} exited code=${code} signal=${signal}]\n${proc.output().slice(-4000)}`));
    return proc;
  }

  /** Stops the API (SIGKILL: mid-request, no goodbye); returns its exit code. */
  async stopApi(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const code = await this.api?.stop(signal);
    this.api = null;
    return code ?? null;
  }

  async stopWorker(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const code = await this.worker?.stop(signal);
    this.worker = null;
    return code ?? null;
  }

  /** Holds every SMTP delivery until `releaseSmtp()`: mail jobs pile up in Redis meanwhile. */
  holdSmtp(): void {
    this.smtpGate ??= new Promise((resolve) => (this.openGate = resolve));
  }

  releaseSmtp(): void {
    this.openGate?.();
    this.smtpGate = null;
  }

  /** The resident memory (kB) of a process, from /proc. */
  static rssKb(pid: number | undefined): number {
    if (!pid) return 0;
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  }

  /** A query on a fresh connection (the server may have restarted since the last one). */
  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Jobs waiting, active or delayed in BullMQ (the job schedulers' next runs aside), and failed jobs. */
  async queueCounts(): Promise<{ jobs: number; failed: number }> {
    let jobs = 0;
    let failed = 0;
    for (const name of ALL_QUEUE_NAMES) {
      const queue = new Queue(name, { connection: { url: this.redis.url }, prefix: 'faults' });
      try {
        const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children', 'failed');
        const delayed = (await queue.getJobs(['delayed'])).filter((j) => !String(j.id).startsWith('repeat:'));
        jobs += counts.waiting + counts.active + counts.prioritized + counts['waiting-children'] + delayed.length;
        failed += counts.failed;
      } finally {
        await queue.close();
      }
    }
    return { jobs, failed };
  }

  /** Why the first failed jobs of each queue failed (for the report of a drain that did not finish). */
  async failedReasons(): Promise<string> {
    const out: string[] = [];
    for (const name of ALL_QUEUE_NAMES) {
      const queue = new Queue(name, { connection: { url: this.redis.url }, prefix: 'faults' });
      try {
        for (const job of await queue.getFailed(0, 4)) out.push(`failed ${name} ${job.id}: ${job.failedReason}`);
      } catch (error) {
        out.push(`failed jobs of ${name} not read: ${(error as Error).message}`);
      } finally {
        await queue.close();
      }
    }
    return out.join('\n');
  }

  async settledState(): Promise<Settled> {
    const [row] = await this.query<{ outbox: number; events: number; emails: number }>(
      `SELECT (SELECT count(*)::int FROM outbox_message WHERE status IN ('pending', 'failed') AND run_at <= now()) AS outbox,
              (SELECT count(*)::int FROM change_event WHERE processed_at IS NULL) AS events,
              (SELECT count(*)::int FROM email_message WHERE status <> 'sent') AS emails`,
    );
    const queue = await this.queueCounts();
    return { outboxPending: row.outbox, eventsPending: row.events, emailsQueued: row.emails, queueJobs: queue.jobs, failedJobs: queue.failed };
  }

  /** Waits until the outbox, the change feed, the e-mails and the queues are drained (or throws with what is left). */
  async settle(timeoutMs = 120_000): Promise<Settled> {
    const deadline = Date.now() + timeoutMs;
    let last: Settled | undefined;
    for (;;) {
      try {
        last = await this.settledState();
        if (last.outboxPending + last.eventsPending + last.emailsQueued + last.queueJobs + last.failedJobs === 0) return last;
      } catch {
        // a service is still coming back
      }
      if (Date.now() > deadline) {
        const left = await this.query(
          `SELECT id, job_name, job_id, status, attempts, run_at, available_at, dispatched_at, last_error FROM outbox_message WHERE status IN ('pending', 'failed') AND run_at <= now() ORDER BY id LIMIT 5`,
        ).catch((error: Error) => error.message);
        throw new Error(
          `not drained within ${timeoutMs} ms: ${JSON.stringify(last)}\noutbox rows left: ${JSON.stringify(left)}\n${await this.failedReasons()}\n${this.recentLogs()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The rollups compared with a full rebuild from raw records. */
  async verifyRollups(): Promise<boolean> {
    const dataSource: DataSource = await createDataSource(this.databaseUrl, DATA_MODEL, 2).initialize();
    try {
      return (await new RebuildService(dataSource).run('verify')).consistent;
    } finally {
      await dataSource.destroy();
    }
  }

  /** Log lines of the API about unexpected errors (what an INTERNAL_SERVER_ERROR answer hid from the client). */
  unexpectedErrors(): string[] {
    return [...this.logs, this.api?.output() ?? ''].flatMap((text) => text.split('\n')).filter((line) => line.includes('Unexpected error'));
  }

  recentLogs(): string {
    return [...this.logs, `[api]\n${this.api?.output().slice(-3000) ?? ''}`, `[worker]\n${this.worker?.output().slice(-3000) ?? ''}`].join('\n');
  }

  async stop(): Promise<void> {
    this.releaseSmtp();
    await this.stopApi('SIGTERM').catch(() => undefined);
    await this.stopWorker('SIGTERM').catch(() => undefined);
    await this.redis.stop('SIGTERM');
    await this.smtp.stop().catch(() => undefined);
    await this.pg.destroy();
  }
}
