import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';
import { DataSource } from 'typeorm';
import { Clock } from '@cdtg/time';
import { BullmqDriver } from './drivers/bullmq.driver';
import { QUEUE_DRIVER, QueueDriver } from './drivers/queue-driver';
import { JOB_SCHEDULES, JobSchedule } from './job-names';
import { JobPayloads } from './job-payloads';
import { advisoryXactLock, hasJob } from './outbox.repository';
import { jobIdOf, OutboxService } from './outbox.service';

/** The first time after `after` that `pattern` matches, read in time zone `tz` (cron-parser, as BullMQ reads it). */
export function nextOccurrence(pattern: string, tz: string, after: Date): Date {
  return CronExpressionParser.parse(pattern, { tz, currentDate: after }).next().toDate();
}

/** How often the in-process driver makes sure the next occurrence of each schedule is waiting in the outbox. */
const SYNC_CHECK_MS = 60_000;
const BULLMQ_RETRY_MS = 2_000;

/**
 * Runs the jobs of JOB_SCHEDULES on their calendar. With BullMQ: a job scheduler per schedule (pattern + tz),
 * upserted at start (retried until Redis answers). In process (development without Redis): the next occurrence of
 * each schedule is written to the outbox as a delayed row (job key = schedule id + time, written once), checked at
 * start and every minute; the relay runs it when it is due, also late if the process was stopped at that time.
 */
@Injectable()
export class JobSchedules implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobSchedules.name);
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    @Inject(QUEUE_DRIVER) private readonly driver: QueueDriver,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    void this.apply();
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Writes the next occurrence of each schedule to the outbox unless it is already there (in-process driver). */
  async planNextOccurrences(now = this.clock.now()): Promise<void> {
    for (const schedule of JOB_SCHEDULES) {
      const at = nextOccurrence(schedule.pattern, schedule.tz, now);
      const key = `${schedule.id}:${at.toISOString()}`;
      await this.dataSource.transaction(async (manager) => {
        await advisoryXactLock(manager, `cdtg:schedule:${schedule.id}`);
        if (await hasJob(manager, jobIdOf(schedule.job, key))) return;
        await this.outbox.enqueue(manager, schedule.job, {} as JobPayloads[JobSchedule['job']], {
          jobKey: key,
          runAt: at,
          aggregate: `schedule:${schedule.id}`,
        });
      });
    }
  }

  private async apply(): Promise<void> {
    if (this.stopped) return;
    const bullmq = this.driver instanceof BullmqDriver ? this.driver : null;
    let again: number | null = SYNC_CHECK_MS;
    try {
      if (bullmq) {
        await bullmq.upsertSchedules(JOB_SCHEDULES);
        this.logger.log(`Job schedulers in place: ${JOB_SCHEDULES.map((s) => `${s.id} (${s.pattern} ${s.tz})`).join(', ')}`);
        again = null;
      } else {
        await this.planNextOccurrences();
      }
    } catch (error) {
      this.logger.warn(`Job schedules not applied yet, retrying: ${(error as Error).message}`);
      if (bullmq) again = BULLMQ_RETRY_MS;
    }
    if (again !== null && !this.stopped) this.timer = setTimeout(() => void this.apply(), again).unref();
  }
}
