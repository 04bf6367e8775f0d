import { Injectable } from '@nestjs/common';
import { HandlesJob, JobHandler, JobName, RollupCheckPayload } from '@cdtg/queue';
import { CoverageExportService, RebuildService } from '@cdtg/rollups';

/**
 * The nightly check: rebuilds the rollups from raw records and compares (the report is logged; a difference is an
 * error in the logs and fails the job, so it shows in the failed set); drops old export files.
 */
@Injectable()
@HandlesJob(JobName.RollupCheck)
export class RollupCheckHandler implements JobHandler<JobName.RollupCheck> {
  constructor(
    private readonly rebuild: RebuildService,
    private readonly exports: CoverageExportService,
  ) {}

  async handle(payload: RollupCheckPayload): Promise<void> {
    await this.exports.purge();
    const report = await this.rebuild.run(payload.repair ? 'repair' : 'verify');
    if (!report.consistent && !report.repaired) throw new Error(`rollups differ from a rebuild: ${JSON.stringify(report)}`);
  }
}
