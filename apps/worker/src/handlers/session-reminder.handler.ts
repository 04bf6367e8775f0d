import { Injectable, Logger } from '@nestjs/common';
import { HandlesJob, JobContext, JobHandler, JobName, SessionReminderPayload } from '@cdtg/queue';
import { SessionNotices } from '@cdtg/sessions';

/** 24 hours before a session: one reminder per assigned member (nothing when the session moved or was cancelled). */
@Injectable()
@HandlesJob(JobName.SessionReminder)
export class SessionReminderHandler implements JobHandler<JobName.SessionReminder> {
  private readonly logger = new Logger(SessionReminderHandler.name);

  constructor(private readonly notices: SessionNotices) {}

  async handle(payload: SessionReminderPayload, context: JobContext): Promise<void> {
    const outcome = await this.notices.sendReminders(payload.sessionId, payload.startsAt);
    if (outcome !== 'queued') this.logger.log(`job ${context.jobId}: session ${payload.sessionId} ${outcome}, no reminder`);
  }
}
