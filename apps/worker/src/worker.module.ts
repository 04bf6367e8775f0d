import { Module } from '@nestjs/common';
import { AuditModule } from '@cdtg/audit';
import { DirectoryModule } from '@cdtg/directory';
import { NotificationsModule } from '@cdtg/notifications';
import { QueueConsumerModule } from '@cdtg/queue';
import { RollupsModule } from '@cdtg/rollups';
import { SessionsModule } from '@cdtg/sessions';
import { CoverageExportHandler } from './handlers/coverage-export.handler';
import { DirectoryImportHandler } from './handlers/directory-import.handler';
import { ProjectChangesHandler } from './handlers/project-changes.handler';
import { PurgeProcessedHandler } from './handlers/purge-processed.handler';
import { RollupCheckHandler } from './handlers/rollup-check.handler';
import { SendEmailHandler } from './handlers/send-email.handler';
import { SendNoticeHandler } from './handlers/send-notice.handler';
import { SessionReminderHandler } from './handlers/session-reminder.handler';
import { WeeklyAgendaHandler } from './handlers/weekly-agenda.handler';
import { WeeklyDigestHandler } from './handlers/weekly-digest.handler';

/** Job handlers, the outbox relay and the BullMQ workers. Needs CoreModule beside it. */
@Module({
  imports: [QueueConsumerModule.forRoot(), NotificationsModule, AuditModule, DirectoryModule, RollupsModule, SessionsModule],
  providers: [
    SendEmailHandler,
    SendNoticeHandler,
    DirectoryImportHandler,
    ProjectChangesHandler,
    SessionReminderHandler,
    WeeklyAgendaHandler,
    CoverageExportHandler,
    WeeklyDigestHandler,
    RollupCheckHandler,
    PurgeProcessedHandler,
  ],
})
export class WorkerModule {}
