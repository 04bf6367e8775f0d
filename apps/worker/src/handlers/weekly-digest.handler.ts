import { Injectable } from '@nestjs/common';
import { HandlesJob, JobHandler, JobName, WeeklyDigestPayload } from '@cdtg/queue';
import { WeeklyDigestService } from '@cdtg/rollups';
import { Clock } from '@cdtg/time';

/** Queues the department's weekly digest e-mails (each once per account, unit and week). */
@Injectable()
@HandlesJob(JobName.WeeklyDigest)
export class WeeklyDigestHandler implements JobHandler<JobName.WeeklyDigest> {
  constructor(
    private readonly digest: WeeklyDigestService,
    private readonly clock: Clock,
  ) {}

  async handle(payload: WeeklyDigestPayload): Promise<void> {
    await this.digest.send(payload.asOf ? new Date(payload.asOf) : this.clock.now());
  }
}
