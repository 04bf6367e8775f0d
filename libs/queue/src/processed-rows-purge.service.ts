import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@cdtg/config';
import { Clock } from '@cdtg/time';
import { deleteProcessed, freshnessAnchor } from './change-event.repository';
import { deleteFinished } from './outbox.repository';

/** Rows deleted per statement: each statement is its own short transaction, so no lock is held for long. */
export const PURGE_BATCH = 10_000;

export interface PurgeReport {
  /** Rows older than this were eligible. */
  before: Date;
  changeEvents: number;
  outboxMessages: number;
  /** DELETE statements run. */
  statements: number;
  ms: number;
}

/**
 * Retention of the queue's bookkeeping (the nightly `maintenance.purge-processed` job): deletes processed change
 * events and finished outbox rows older than QUEUE_RETENTION_DAYS, in bounded batches, oldest first, each through
 * its own partial index (change_event_processed_idx, outbox_message_finished_idx).
 *
 * Kept, whatever their age:
 * - change events not yet processed (the projector's work), and the change event the freshness answer names
 *   (`asOf.eventId`: the last event whose every predecessor is processed), with every event after it;
 * - outbox rows pending (not handed over yet, or delayed), dispatched (the relay sends them again if Redis loses its
 *   jobs, and checks them against BullMQ) and failed (the operators' failed set, `npm run queue -- retry`).
 * Done and cancelled outbox rows have nothing more to happen to them. The audit log is its own table (audit_event)
 * and is not touched.
 */
@Injectable()
export class ProcessedRowsPurge {
  private readonly logger = new Logger(ProcessedRowsPurge.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async purge(now: Date = this.clock.now(), batch = PURGE_BATCH): Promise<PurgeReport> {
    const started = Date.now(); // a duration, for the log
    const before = new Date(now.getTime() - this.config.QUEUE_RETENTION_DAYS * 86_400_000);
    let statements = 0;
    const drain = async (deleteBatch: () => Promise<number>): Promise<number> => {
      let total = 0;
      for (;;) {
        const deleted = await deleteBatch();
        statements++;
        total += deleted;
        if (deleted < batch) return total;
      }
    };
    // The event freshness names, read once: it only moves forward, so everything below it stays deletable.
    const anchor = await freshnessAnchor(this.dataSource);
    const changeEvents = anchor === null ? 0 : await drain(() => deleteProcessed(this.dataSource, before, anchor, batch));
    const outboxMessages = await drain(() => deleteFinished(this.dataSource, before, batch));
    const report = { before, changeEvents, outboxMessages, statements, ms: Date.now() - started };
    this.logger.log(
      `Purged ${changeEvents} processed change event(s) and ${outboxMessages} finished outbox row(s) older than ${before.toISOString()} (${this.config.QUEUE_RETENTION_DAYS} days) in ${statements} statement(s), ${report.ms} ms`,
    );
    return report;
  }
}
