import { Module } from '@nestjs/common';
import { AuditModule } from '@cdtg/audit';
import { DirectoryModule } from '@cdtg/directory';
import { NotificationsModule } from '@cdtg/notifications';
import { AgendaService } from './agenda.service';
import { AssignmentLinkService } from './assignment-link.service';
import { AssignmentService } from './assignment.service';
import { MemberNoticesService } from './member-notices.service';
import { AttendanceService } from './attendance.service';
import { SessionNotices } from './session-notices.service';
import { SessionRepository } from './session.repository';
import { SessionService } from './session.service';
import { TrainingTopicService } from './training-topic.service';

@Module({
  imports: [NotificationsModule, AuditModule, DirectoryModule],
  providers: [
    SessionRepository,
    TrainingTopicService,
    SessionNotices,
    SessionService,
    AttendanceService,
    AssignmentService,
    AssignmentLinkService,
    MemberNoticesService,
    AgendaService,
  ],
  exports: [
    TrainingTopicService,
    SessionNotices,
    SessionService,
    AttendanceService,
    AssignmentService,
    AssignmentLinkService,
    MemberNoticesService,
    AgendaService,
  ],
})
export class SessionsModule {}
