import { Injectable } from '@nestjs/common';
import { HandlesJob, JobHandler, JobName, ProcessedRowsPurge, PurgeProcessedPayload } from '@cdtg/queue';
import { Clock } from '@cdtg/time';

/** Nightly retention: deletes processed change events and finished outbox rows past QUEUE_RETENTION_DAYS (idempotent). */
@Injectable()
@HandlesJob(JobName.PurgeProcessed)
export class PurgeProcessedHandler implements JobHandler<JobName.PurgeProcessed> {
  constructor(
    private readonly purge: ProcessedRowsPurge,
    private readonly clock: Clock,
  ) {}

  async handle(payload: PurgeProcessedPayload): Promise<void> {
    await this.purge.purge(payload.asOf ? new Date(payload.asOf) : this.clock.now());
  }
}
