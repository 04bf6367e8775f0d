import { Injectable } from '@nestjs/common';
import { CoverageExportPayload, HandlesJob, JobHandler, JobName } from '@cdtg/queue';
import { CoverageExportService } from '@cdtg/rollups';

/** Makes one coverage export file (once). */
@Injectable()
@HandlesJob(JobName.CoverageExport)
export class CoverageExportHandler implements JobHandler<JobName.CoverageExport> {
  constructor(private readonly exports: CoverageExportService) {}

  handle(payload: CoverageExportPayload): Promise<void> {
    return this.exports.run(payload.exportId);
  }
}
