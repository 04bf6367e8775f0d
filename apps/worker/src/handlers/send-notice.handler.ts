import { Injectable, Logger } from '@nestjs/common';
import { NoticeDeliveryService } from '@cdtg/notifications';
import { HandlesJob, JobContext, JobHandler, JobName, SendNoticePayload } from '@cdtg/queue';

/** One notice on the member's channel; a busy or unanswered provider fails the job, which is retried on that channel. */
@Injectable()
@HandlesJob(JobName.SendNotice)
export class SendNoticeHandler implements JobHandler<JobName.SendNotice> {
  private readonly logger = new Logger(SendNoticeHandler.name);

  constructor(private readonly delivery: NoticeDeliveryService) {}

  async handle(payload: SendNoticePayload, context: JobContext): Promise<void> {
    const outcome = await this.delivery.deliver(payload.noticeId);
    if (outcome !== 'sent') this.logger.log(`job ${context.jobId}: notice ${payload.noticeId} ${outcome}`);
  }
}
