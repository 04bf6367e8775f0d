import { Injectable, Logger } from '@nestjs/common';
import { MailDeliveryService } from '@cdtg/notifications';
import { HandlesJob, JobContext, JobHandler, JobName, SendEmailPayload } from '@cdtg/queue';

@Injectable()
@HandlesJob(JobName.SendEmail)
export class SendEmailHandler implements JobHandler<JobName.SendEmail> {
  private readonly logger = new Logger(SendEmailHandler.name);

  constructor(private readonly delivery: MailDeliveryService) {}

  async handle(payload: SendEmailPayload, context: JobContext): Promise<void> {
    const outcome = await this.delivery.deliver(payload.emailId);
    if (outcome !== 'sent') this.logger.log(`job ${context.jobId}: e-mail ${payload.emailId} ${outcome}, nothing to do`);
  }
}
