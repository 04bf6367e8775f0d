import { Module } from '@nestjs/common';
import { AuditModule } from '@cdtg/audit';
import { DirectoryModule } from '@cdtg/directory';
import { NotificationsModule } from '@cdtg/notifications';
import { QueueConsumerModule } from '@cdtg/queue';
import { RollupsModule } from '@cdtg/rollups';
import { DirectoryImportHandler } from './handlers/directory-import.handler';
import { ProjectChangesHandler } from './handlers/project-changes.handler';
import { SendEmailHandler } from './handlers/send-email.handler';

/** Job handlers, the outbox relay and the BullMQ workers. Needs CoreModule beside it. */
@Module({
  imports: [QueueConsumerModule.forRoot(), NotificationsModule, AuditModule, DirectoryModule, RollupsModule],
  providers: [SendEmailHandler, DirectoryImportHandler, ProjectChangesHandler],
})
export class WorkerModule {}
