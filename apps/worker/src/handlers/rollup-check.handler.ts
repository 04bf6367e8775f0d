import { Injectable } from '@nestjs/common';
import { HandlesJob, JobHandler, JobName, RollupCheckPayload } from '@cdtg/queue';
import { CoverageExportService, RollupCheckService } from '@cdtg/rollups';

/**
 * The nightly check: compares the rollups with a recount from raw records without blocking projections, reports a
 * difference (log, stored result, health, weekly digest) and repairs only when the check before found differences
 * too (see RollupCheckService); `repair: true` (an operator's job) repairs at once. A difference does not fail the
 * job (it has been reported); an error does, once: the job has one attempt (JOB_ATTEMPTS_OVERRIDE). Drops old
 * export files.
 */
@Injectable()
@HandlesJob(JobName.RollupCheck)
export class RollupCheckHandler implements JobHandler<JobName.RollupCheck> {
  constructor(
    private readonly checks: RollupCheckService,
    private readonly exports: CoverageExportService,
  ) {}

  async handle(payload: RollupCheckPayload): Promise<void> {
    await this.exports.purge();
    if (payload.repair) await this.checks.repair('job');
    else await this.checks.nightly();
  }
}
