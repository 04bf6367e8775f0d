import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DataScope } from '@cdtg/access';
import { DomainError, Reason } from '@cdtg/errors';
import { Language, NotificationService } from '@cdtg/notifications';
import { icsCalendar } from './icalendar';
import { sessionEvent, sessionFacts } from './session-calendar';
import { SessionAssignment } from './session-assignment.entity';
import { SessionRepository } from './session.repository';
import { AssignmentStatus, SessionStatus } from './sessions.enums';
import { SignedLinks } from '@cdtg/access';
import { addDays, Clock, requireIsoDate, startOfVietnamDay, vietnamWeekStart } from '@cdtg/time';
import { TrainingSession } from './training-session.entity';
import { TrainingTopicService } from './training-topic.service';

/** The volunteer's own view: their member record, their assignments and their links. */
export interface MyAgenda {
  memberId: string | null;
  assignments: SessionAssignment[];
  calendarFeedUrl: string | null;
  weeklyAgendaSubscribed: boolean;
}

export interface AgendaPreference {
  fullName: string;
  language: 'vi' | 'en';
  subscribed: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Default agenda window: from today (Vietnam) for 30 days. */
const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;
/** The calendar feed: sessions from 60 days ago to a year ahead. */
const FEED_PAST_DAYS = 60;
const FEED_FUTURE_DAYS = 366;
const AGENDA_CHUNK = 200;

/**
 * What a volunteer has ahead: the agenda (as a list, as an iCalendar feed behind a signed link, and as the weekly
 * e-mail) and their choice about that e-mail.
 */
@Injectable()
export class AgendaService {
  private readonly logger = new Logger(AgendaService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SessionRepository,
    private readonly topics: TrainingTopicService,
    private readonly notifications: NotificationService,
    private readonly links: SignedLinks,
    private readonly clock: Clock,
  ) {}

  /** The member an account is (volunteers and leads), if any. */
  memberOf(userId: string): Promise<string | null> {
    return this.repository.memberOfUser(userId);
  }

  /** A member's pending and accepted assignments on sessions inside `access`, by start. */
  memberAgenda(access: DataScope, memberId: string, from?: string | null, to?: string | null): Promise<SessionAssignment[]> {
    return this.repository.memberAssignments({ memberId, access, ...this.window(from, to) });
  }

  /** The signed-in volunteer's agenda (their account's member); empty for accounts that are not a member. */
  async myAgenda(userId: string, from?: string | null, to?: string | null): Promise<MyAgenda> {
    const window = this.window(from, to);
    const memberId = await this.repository.memberOfUser(userId);
    if (!memberId) return { memberId: null, assignments: [], calendarFeedUrl: null, weeklyAgendaSubscribed: false };
    const [assignments, contact] = await Promise.all([this.repository.memberAssignments({ memberId, ...window }), this.repository.memberContact(memberId)]);
    return { memberId, assignments, calendarFeedUrl: this.links.calendarFeedUrl(memberId), weeklyAgendaSubscribed: contact?.weeklyAgenda ?? true };
  }

  /**
   * The member's iCalendar feed (for a link whose signature was checked by the caller): pending and accepted
   * assignments from 60 days back to a year ahead; cancelled sessions stay in it, marked cancelled, so calendars
   * that hold them update. Null when there is no such member, or the feed no longer answers (the member left their
   * group, or their account was disabled): checked on every use.
   */
  async calendarFeed(memberId: string, now = this.clock.now()): Promise<string | null> {
    const contact = await this.repository.memberContact(memberId);
    if (!contact?.feedActive) return null;
    const assignments = await this.repository.memberAssignments({
      memberId,
      from: new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000),
      to: new Date(now.getTime() + FEED_FUTURE_DAYS * 86_400_000),
    });
    const sessions = await this.repository.sessionsByIds(assignments.map((a) => a.sessionId));
    const language = contact.language === 'en' ? 'en' : 'vi';
    const pending = new Set(assignments.filter((a) => a.status === AssignmentStatus.Pending).map((a) => a.sessionId));
    const events = await this.events(sessions, language, pending);
    return icsCalendar(events, { name: language === 'vi' ? `Lịch tập huấn – ${contact.fullName}` : `Training sessions – ${contact.fullName}`, now });
  }

  /** The feed behind a signed calendar link; null for a bad signature or an unknown member (the same answer). */
  async signedCalendarFeed(memberId: string, signature: string): Promise<string | null> {
    if (!UUID.test(memberId) || !this.links.verify('calendar-feed', memberId, signature)) return null;
    return this.calendarFeed(memberId);
  }

  /**
   * Behind a signed preference link: the member's weekly-agenda choice, changed first when `subscribe` is given.
   * Null for a bad signature or an unknown member.
   */
  async signedWeeklyAgendaPreference(memberId: string, signature: string, subscribe?: boolean): Promise<AgendaPreference | null> {
    if (!UUID.test(memberId) || !this.links.verify('agenda-preference', memberId, signature)) return null;
    const contact = await this.repository.memberContact(memberId);
    if (!contact) return null;
    if (subscribe !== undefined && subscribe !== contact.weeklyAgenda) {
      await this.repository.setWeeklyAgenda(memberId, subscribe);
      this.logger.log(`member ${memberId} ${subscribe ? 'resubscribed to' : 'unsubscribed from'} the weekly agenda`);
    }
    return { fullName: contact.fullName, language: contact.language, subscribed: subscribe ?? contact.weeklyAgenda };
  }

  /**
   * The weekly agenda job: one e-mail to each member with pending or accepted assignments on planned sessions in
   * the 7 days from `now`, who has an address and has not unsubscribed. Dedupe key weekly-agenda:<member>:<Monday>,
   * so a job that runs twice (or late, the same week) sends each member one e-mail. Members in chunks of 200, each
   * chunk one transaction.
   */
  async sendWeeklyAgenda(now = this.clock.now()): Promise<number> {
    const to = new Date(now.getTime() + 7 * 86_400_000);
    const weekOf = vietnamWeekStart(now);
    let after: string | null = null;
    let queued = 0;
    for (;;) {
      const memberIds = await this.repository.agendaMembers(now, to, after, AGENDA_CHUNK);
      if (!memberIds.length) break;
      after = memberIds[memberIds.length - 1];
      queued += await this.dataSource.transaction(async (manager) => {
        let count = 0;
        for (const memberId of memberIds) {
          const contact = await this.repository.memberContact(memberId);
          const assignments = await this.repository.memberAssignments({ memberId, from: now, to });
          const sessions = (
            await this.repository.sessionsByIds(
              assignments.map((a) => a.sessionId),
              manager,
            )
          ).filter((s) => s.status === SessionStatus.Planned);
          if (!contact?.email || !sessions.length) continue;
          const language = contact.language === 'en' ? Language.en : Language.vi;
          const facts = await this.facts(sessions, language);
          const items = assignments
            .filter((a) => facts.has(a.sessionId))
            .map((a) => ({ ...facts.get(a.sessionId)!, role: a.role, status: a.status }))
            .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
          const id = await this.notifications.queueEmail(manager, {
            to: contact.email,
            language,
            template: 'weekly-agenda',
            params: {
              memberName: contact.fullName,
              weekOf,
              items,
              calendarUrl: this.links.calendarFeedUrl(memberId),
              preferenceUrl: this.links.agendaPreferenceUrl(memberId),
            },
            dedupeKey: `weekly-agenda:${memberId}:${weekOf}`,
          });
          if (id) count++;
        }
        return count;
      });
    }
    this.logger.log(`weekly agenda for the week of ${weekOf}: ${queued} e-mail(s) queued`);
    return queued;
  }

  /** Calendar events of the sessions; those of `pending` assignments (not answered yet) are tentative. */
  private async events(sessions: TrainingSession[], language: 'vi' | 'en', pending = new Set<string>()) {
    const facts = await this.facts(sessions, language);
    return sessions.map((s) => sessionEvent(s, facts.get(s.id)!, language, pending.has(s.id) ? 'pending' : 'accepted'));
  }

  /** Each session's names (group, unit, topics in the language) and times, as the e-mails and calendars show them. */
  private async facts(sessions: TrainingSession[], language: 'vi' | 'en') {
    const names = await this.repository.namesOf(
      this.dataSource.manager,
      sessions.map((s) => s.groupId),
      sessions.map((s) => s.unitId),
    );
    const catalogue = await this.topics.byCode();
    return new Map(sessions.map((s) => [s.id, sessionFacts(s, names, this.topics.names(catalogue, s.topics, language))]));
  }

  /** [from, to] as Vietnam dates (default today and 30 days on), as a half-open range of instants. */
  private window(from?: string | null, to?: string | null): { from: Date; to: Date } {
    const first = from ? requireIsoDate(from, 'from') : this.clock.today();
    const last = to ? requireIsoDate(to, 'to') : addDays(first, DEFAULT_DAYS);
    if (last < first) throw DomainError.invalid('to', Reason.FromAfterTo);
    if (addDays(first, MAX_DAYS) < last) throw DomainError.invalid('to', Reason.RangeTooLong, { max: MAX_DAYS, unit: 'days' });
    return { from: startOfVietnamDay(first), to: startOfVietnamDay(addDays(last, 1)) };
  }
}
