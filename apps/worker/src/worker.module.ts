import { Module } from '@nestjs/common';
import { NotificationsModule } from '@cdtg/notifications';
import { QueueConsumerModule } from '@cdtg/queue';
import { SendEmailHandler } from './handlers/send-email.handler';

/** Job handlers, the outbox relay and the BullMQ workers. Needs CoreModule beside it. */
@Module({
  imports: [QueueConsumerModule.forRoot(), NotificationsModule],
  providers: [SendEmailHandler],
})
export class WorkerModule {}
