import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '@cdtg/config';
import { hydrate } from '@cdtg/database';
import { QUEUE_DRIVER, QueueDriver } from './drivers/queue-driver';
import { OutboxMessage } from './outbox-message.entity';
import {
  cancelDispatchedBefore,
  lockDuePending,
  markDispatchedDone,
  markFailed,
  markHandedOver,
  resendDispatched,
  resendMissing,
  retryLater,
  staleDispatched,
  tryRelayLock,
} from './outbox.repository';
import { CANCEL_JOB, CancelJobPayload, OUTBOX_CHANNEL } from './outbox.service';

/** Any constant: the advisory lock that makes one relay at a time move rows, so rows leave in id order. */
const RELAY_LOCK = 7_214_001;
const BATCH = 200;
/** How often dispatched rows are checked against the queue. */
const RECONCILE_EVERY_MS = 5_000;

/**
 * Moves committed outbox rows to the queue driver, in id order, at least once. Woken by NOTIFY on commit,
 * and by a poll as a safety net. When Redis is down it backs off and retries; nothing is lost.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private listener?: Client;
  private backoffMs = 0;
  private reconciledAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    @Inject(QUEUE_DRIVER) private readonly driver: QueueDriver,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
    await this.driver.close();
  }

  /** Moves every row that is due now; returns how many were moved. Exposed for tests and the CLI. */
  async drainOnce(): Promise<number> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<{ moved: number; blocked?: string; resent?: number }> => {
      if (!(await tryRelayLock(manager, RELAY_LOCK))) return { moved: 0 };
      // Redis restarted without its data (or was flushed): jobs handed over and not completed are gone. Send them
      // again; handlers are idempotent and a job Redis still has is not duplicated (stable job ids).
      let resent: number | undefined;
      if (this.driver.lostJobs && (await this.driver.lostJobs())) resent = await resendDispatched(manager);
      // Locked while they are handed over: OutboxService.cancel waits, then sees them dispatched and removes the job.
      const rows = (await lockDuePending(manager, this.driver.kind === 'sync', BATCH)).map((r) => hydrate(this.dataSource, OutboxMessage, r));
      if (rows.length === 0) return { moved: 0, resent };
      const result = await this.driver.dispatch(rows);
      if (result.dispatched.length > 0) {
        // A row is done once nothing more is to happen to it: a job the in-process driver has just run, and a cancel
        // row carried out (it has no job of its own). Done rows leave with the retention purge; dispatched ones wait
        // for their job's completion (and are sent again if Redis loses it).
        await markHandedOver(
          manager,
          result.dispatched.map((m) => m.id),
          this.driver.kind === 'sync',
          CANCEL_JOB,
        );
      }
      // A job removed from the queue by a cancel row is withdrawn for good: never sent again after a loss of Redis.
      for (const cancel of result.dispatched.filter((m) => m.jobName === CANCEL_JOB)) {
        await cancelDispatchedBefore(manager, (cancel.payload as unknown as CancelJobPayload).jobId, cancel.id, CANCEL_JOB);
      }
      for (const { message, error } of result.retry) {
        const delay = this.config.JOB_BACKOFF_MS * 2 ** message.attempts;
        await retryLater(manager, message.id, this.driver.kind === 'sync' ? 1 : 0, error.slice(0, 2000), this.driver.kind === 'sync' ? String(delay) : '0');
      }
      for (const { message, error } of result.failed) {
        await markFailed(manager, message.id, error.slice(0, 2000));
      }
      const blocked = this.driver.kind === 'bullmq' ? result.retry[0]?.error : undefined;
      return { moved: result.dispatched.length, blocked, resent };
    });
    await this.reconcile();
    if (outcome.resent !== undefined) {
      // Committed: the rows are pending again (or were handed over just now). Redis holds them from here on.
      await this.driver.markIntact?.();
      if (outcome.resent > 0) this.logger.warn(`Queue lost its jobs (Redis restarted without data?): ${outcome.resent} outbox row(s) sent again`);
    }
    // The dispatched prefix is committed; the queue refused the rest, which waits in order.
    if (outcome.blocked) throw new Error(`queue unreachable after ${outcome.moved} message(s): ${outcome.blocked}`);
    return outcome.moved;
  }

  /**
   * Every few seconds: rows handed over more than a job lock ago and not done are checked against the queue. A job
   * the queue no longer holds is sent again (lost with Redis's data in a way the intact marker did not show, e.g. a
   * worker finishing a job of the old Redis while the new one was being refilled); a completed one is marked done.
   * Handlers are idempotent, so sending again is safe.
   */
  private async reconcile(): Promise<void> {
    if (!this.driver.checkDispatched || Date.now() - this.reconciledAt < RECONCILE_EVERY_MS) return;
    this.reconciledAt = Date.now();
    const stale = (await staleDispatched(this.dataSource, CANCEL_JOB, this.config.JOB_LOCK_MS, BATCH)).map((r) => hydrate(this.dataSource, OutboxMessage, r));
    if (!stale.length) return;
    const { missing, completed } = await this.driver.checkDispatched(stale);
    if (completed.length)
      await markDispatchedDone(
        this.dataSource,
        completed.map((m) => m.id),
      );
    if (missing.length) {
      await resendMissing(
        this.dataSource,
        missing.map((m) => m.id),
      );
      this.logger.warn(`${missing.length} dispatched job(s) no longer in the queue: sent again`);
    }
  }

  private async run(): Promise<void> {
    await this.listen();
    while (this.running) {
      let moved = 0;
      try {
        moved = await this.drainOnce();
        if (this.backoffMs > 0) this.logger.log('Outbox relay recovered; queue reachable again');
        this.backoffMs = 0;
      } catch (error) {
        this.backoffMs = Math.min(Math.max(this.backoffMs * 2, 250), 5000);
        this.logger.warn(`Outbox relay paused ${this.backoffMs} ms: ${(error as Error).message}`);
      }
      if (moved === 0 || this.backoffMs > 0) await this.sleep(this.backoffMs || this.config.OUTBOX_POLL_MS);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** LISTEN on a dedicated connection so commits wake the relay at once; polling covers a lost connection. */
  private async listen(): Promise<void> {
    const url = this.config.DATABASE_URL!;
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on('notification', () => this.wake?.());
    client.on('error', () => {
      this.listener = undefined;
      setTimeout(() => this.running && void this.listen(), 1000);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch {
      await client.end().catch(() => undefined);
      if (this.running) setTimeout(() => this.running && void this.listen(), 1000);
    }
  }
}
