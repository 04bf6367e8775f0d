import { Injectable } from '@nestjs/common';
import { ProjectorService } from '@cdtg/rollups';
import { HandlesJob, JobHandler, JobName, ProjectChangesPayload } from '@cdtg/queue';

/** Applies one change event to the coverage rollups (idempotent: an event is applied once). */
@Injectable()
@HandlesJob(JobName.ProjectChanges)
export class ProjectChangesHandler implements JobHandler<JobName.ProjectChanges> {
  constructor(private readonly projector: ProjectorService) {}

  async handle(payload: ProjectChangesPayload): Promise<void> {
    await this.projector.apply(payload.eventId);
  }
}
