import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EmailTemplates, Language, NotificationService, SessionFacts } from '@cdtg/notifications';
import { JobName, OutboxService } from '@cdtg/queue';
import { icsCalendar } from './icalendar';
import { sessionEvent, sessionFacts } from './session-calendar';
import { Recipient, SessionRepository } from './session.repository';
import { SessionStatus } from './sessions.enums';
import { SignedLinks } from '@cdtg/access';
import { Clock } from '@cdtg/time';
import { TrainingSession } from './training-session.entity';
import { TrainingTopicService } from './training-topic.service';

type NoticeTemplate = 'session-assigned' | 'session-changed' | 'session-cancelled' | 'session-reminder' | 'assignment-withdrawn';

/** The reminder goes this long before the start. */
export const REMINDER_LEAD_MS = 24 * 3600_000;

/** The key of a session's reminder job: one per planned start, so a moved session gets a new job. */
const reminderKey = (sessionId: string, startsAt: Date) => `${sessionId}:${startsAt.toISOString()}`;

/**
 * Notices (e-mail, ZNS or SMS) to assigned members about their sessions, queued in the transaction of the change (never sent in a
 * request), one per assignment with a dedupe key that makes a repeated change, a retried job or a replayed request
 * harmless:
 *   assignment:<assignmentId>                    on assignment (with the .ics)
 *   session-change:<assignmentId>:v<version>     on a change of time or place (one per schedule version)
 *   session-cancelled:<assignmentId>             on cancellation
 *   assignment-withdrawn:<assignmentId>          when an officer withdraws the assignment
 *   reminder:<assignmentId>:<startsAt ISO>       24 hours before (a delayed job per session and start)
 * In the recipient's language (their account's, Vietnamese without one), plain text and HTML.
 */
@Injectable()
export class SessionNotices {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SessionRepository,
    private readonly notifications: NotificationService,
    private readonly outbox: OutboxService,
    private readonly links: SignedLinks,
    private readonly topics: TrainingTopicService,
    private readonly clock: Clock,
  ) {}

  assigned(manager: EntityManager, session: TrainingSession, assignmentIds: string[], assignedBy: string): Promise<void> {
    return this.notify(
      manager,
      session,
      assignmentIds,
      'session-assigned',
      (r) => `assignment:${r.assignmentId}`,
      () => ({ assignedBy }),
    );
  }

  /** After a change of time or place; `previous` is the schedule before it. */
  changed(
    manager: EntityManager,
    session: TrainingSession,
    assignmentIds: string[],
    previous: { startsAt: Date; endsAt: Date; place: string; unitName: string },
    reason: string | null,
  ): Promise<void> {
    const before = { startsAt: previous.startsAt.toISOString(), endsAt: previous.endsAt.toISOString(), place: previous.place, unitName: previous.unitName };
    return this.notify(
      manager,
      session,
      assignmentIds,
      'session-changed',
      (r) => `session-change:${r.assignmentId}:v${session.version}`,
      () => ({ previous: before, reason }),
    );
  }

  cancelled(manager: EntityManager, session: TrainingSession, assignmentIds: string[]): Promise<void> {
    return this.notify(
      manager,
      session,
      assignmentIds,
      'session-cancelled',
      (r) => `session-cancelled:${r.assignmentId}`,
      () => ({ reason: session.cancelReason ?? '' }),
    );
  }

  withdrawn(manager: EntityManager, session: TrainingSession, assignmentId: string, reason: string | null): Promise<void> {
    return this.notify(
      manager,
      session,
      [assignmentId],
      'assignment-withdrawn',
      (r) => `assignment-withdrawn:${r.assignmentId}`,
      () => ({ reason }),
      true,
    );
  }

  /**
   * Schedules the session's reminder (a delayed job at start − 24 h) and withdraws the one planned for
   * `previousStartsAt`. A session less than a day ahead gets no reminder: its assignment or change notice is it.
   */
  async planReminder(manager: EntityManager, session: TrainingSession, previousStartsAt?: Date): Promise<void> {
    if (previousStartsAt) await this.outbox.cancel(manager, JobName.SessionReminder, reminderKey(session.id, previousStartsAt));
    const runAt = new Date(session.startsAt.getTime() - REMINDER_LEAD_MS);
    if (session.status !== SessionStatus.Planned || runAt.getTime() <= this.clock.now().getTime()) return;
    await this.outbox.enqueue(
      manager,
      JobName.SessionReminder,
      { sessionId: session.id, startsAt: session.startsAt.toISOString() },
      { jobKey: reminderKey(session.id, session.startsAt), runAt, aggregate: `session:${session.id}` },
    );
  }

  cancelReminder(manager: EntityManager, session: TrainingSession): Promise<void> {
    return this.outbox.cancel(manager, JobName.SessionReminder, reminderKey(session.id, session.startsAt));
  }

  /**
   * The reminder job. It reads the session as it is now: moved since the job was planned (another job carries the
   * new start), cancelled or held → nothing. Otherwise one e-mail per pending or accepted assignment; run twice, the
   * dedupe keys make the second run queue nothing.
   */
  async sendReminders(sessionId: string, startsAt: string): Promise<'queued' | 'moved' | 'not-planned' | 'missing'> {
    return this.dataSource.transaction(async (manager) => {
      // Shares the lock a reschedule or cancellation takes: either they see this run's e-mails, or it sees their change.
      const [session] = (await manager
        .getRepository(TrainingSession)
        .find({ where: { id: sessionId }, lock: { mode: 'pessimistic_read' } })) as TrainingSession[];
      if (!session) return 'missing';
      if (session.status !== SessionStatus.Planned) return 'not-planned';
      if (session.startsAt.toISOString() !== new Date(startsAt).toISOString()) return 'moved';
      const ids = await this.repository.activeAssignmentIds(manager, sessionId);
      await this.notify(
        manager,
        session,
        ids,
        'session-reminder',
        (r) => `reminder:${r.assignmentId}:${session.startsAt.toISOString()}`,
        () => ({}),
      );
      return 'queued';
    });
  }

  /**
   * Queues one notice per assignment whose member has a phone or an address; the worker sends it on the member's
   * channel (preferred, then ZNS → SMS → e-mail, as consent and reachability allow), once. An assignment notice
   * carries a signed link to accept or decline.
   */
  private async notify<T extends NoticeTemplate>(
    manager: EntityManager,
    session: TrainingSession,
    assignmentIds: string[],
    template: T,
    dedupeKey: (r: Recipient) => string,
    extra: (r: Recipient) => Omit<EmailTemplates[T], keyof SessionFacts | 'memberName' | 'role' | 'calendarUrl' | 'ics'>,
    cancelledForReader = false,
  ): Promise<void> {
    const recipients = (await this.repository.recipients(manager, assignmentIds)).filter((r) => r.email || r.phone);
    if (!recipients.length) return;
    const names = await this.repository.namesOf(manager, [session.groupId], [session.unitId]);
    const catalogue = await this.topics.byCode();
    for (const r of recipients) {
      const language = r.language === 'en' ? Language.en : Language.vi;
      const facts = sessionFacts(session, names, this.topics.names(catalogue, session.topics, language));
      const reader = cancelledForReader ? 'cancelled' : r.status === 'pending' ? 'pending' : 'accepted';
      const ics = icsCalendar([sessionEvent(session, facts, language, reader)], { name: session.title, now: this.clock.now() });
      const params = {
        ...facts,
        memberName: r.fullName,
        role: r.role,
        calendarUrl: this.links.calendarFeedUrl(r.memberId),
        ics,
        ...(template === 'session-assigned' ? { respondUrl: this.links.assignmentResponseUrl(r.assignmentId) } : {}),
        ...extra(r),
      } as unknown as EmailTemplates[T];
      await this.notifications.queueNotice(manager, {
        memberId: r.memberId,
        phone: r.phone,
        email: r.email,
        preferredChannel: r.preferredChannel,
        language,
        template,
        params,
        dedupeKey: dedupeKey(r),
      });
    }
  }
}
