import { Injectable } from '@nestjs/common';
import { DirectoryImportService } from '@cdtg/directory';
import { DirectoryImportPayload, HandlesJob, JobHandler, JobName } from '@cdtg/queue';

/** Runs (or resumes, after a crash) one CSV import of groups or members. */
@Injectable()
@HandlesJob(JobName.DirectoryImport)
export class DirectoryImportHandler implements JobHandler<JobName.DirectoryImport> {
  constructor(private readonly imports: DirectoryImportService) {}

  handle(payload: DirectoryImportPayload): Promise<void> {
    return this.imports.run(payload.importId);
  }
}
