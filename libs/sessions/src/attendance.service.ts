import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditActor, AuditService } from '@cdtg/audit';
import { DomainError, Reason } from '@cdtg/errors';
import { ChangeFeed } from '@cdtg/queue';
import { assertNoPersonalNumbers } from '@cdtg/text';
import { Clock } from '@cdtg/time';
import { wholeNumber } from './refusals';
import { SessionRepository } from './session.repository';
import { SessionStatus } from './sessions.enums';
import { TrainingSession } from './training-session.entity';

/** Participants by gender and age band (the six cells), the total, and practical steps completed per topic. */
export interface AttendanceInput {
  femaleUnder35: number;
  female35To59: number;
  female60Plus: number;
  maleUnder35: number;
  male35To59: number;
  male60Plus: number;
  /** Everyone who took part; default the sum of the cells. More than the sum: people whose gender or age was not noted. */
  total?: number | null;
  practicalSteps?: { topic: string; completed: number }[] | null;
  note?: string | null;
  /** The phone's id for this attendance (offline sync): the same id again is already stored, and changes nothing. */
  clientId?: string | null;
}

const CELLS = ['femaleUnder35', 'female35To59', 'female60Plus', 'maleUnder35', 'male35To59', 'male60Plus'] as const;
const MAX_PARTICIPANTS = 100_000;

/** What the audit log keeps of attendance, before and after a change. */
const attendanceView = (s: TrainingSession) => ({
  ...Object.fromEntries(CELLS.map((c) => [c, s[c]])),
  total: s.participantsTotal,
  practicalCompletions: s.practicalCompletions,
  note: s.attendanceNote,
});

/**
 * Attendance, logged by the lead after the session: the first log turns a planned session into a held one; later
 * logs correct it. Every log and correction is audited (before and after) and told to the rollups. A phone that
 * logged offline sends its attendance with a client id: sent again (a lost answer, a second tab), it changes nothing.
 */
@Injectable()
export class AttendanceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SessionRepository,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
    private readonly clock: Clock,
  ) {}

  async log(actor: AuditActor, sessionId: string, input: AttendanceInput): Promise<TrainingSession> {
    for (const cell of CELLS) this.count(input[cell], `input.${cell}`);
    const sum = CELLS.reduce((n, c) => n + input[c], 0);
    const total = input.total ?? sum;
    this.count(total, 'input.total');
    if (total < sum) throw DomainError.invalid('input.total', Reason.TotalBelowCounted, { sum });
    assertNoPersonalNumbers('input.note', input.note);
    const note = input.note ? input.note.trim().slice(0, 2000) || null : null;
    return this.dataSource.transaction(async (manager) => {
      const session = await this.repository.lockedSession(manager, sessionId);
      if (!session) throw DomainError.notFound('Session');
      if (input.clientId && session.attendanceClientIds.includes(input.clientId)) return session;
      if (session.status === SessionStatus.Cancelled) throw DomainError.conflict(Reason.SessionCancelled, undefined, 'sessionId');
      if (session.startsAt.getTime() > this.clock.now().getTime())
        throw DomainError.invalid('sessionId', Reason.SessionNotStarted, { startsAt: session.startsAt.toISOString() });
      const practical: Record<string, number> = {};
      (input.practicalSteps ?? []).forEach((step, i) => {
        const field = `input.practicalSteps.${i}`;
        if (!session.topics.includes(step.topic)) throw DomainError.invalid(`${field}.topic`, Reason.NotASessionTopic, { topics: session.topics });
        if (step.topic in practical) throw DomainError.invalid(`${field}.topic`, Reason.Repeated);
        this.count(step.completed, `${field}.completed`);
        if (step.completed > total) throw DomainError.invalid(`${field}.completed`, Reason.MoreThanParticipants, { total });
        practical[step.topic] = step.completed;
      });
      const first = session.status === SessionStatus.Planned;
      const before = first ? null : attendanceView(session);
      Object.assign(session, {
        ...Object.fromEntries(CELLS.map((c) => [c, input[c]])),
        participantsTotal: total,
        practicalCompletions: practical,
        attendanceNote: note,
        attendanceLoggedAt: this.clock.now(),
        attendanceClientIds: input.clientId ? [...session.attendanceClientIds, input.clientId] : session.attendanceClientIds,
        status: SessionStatus.Held,
      });
      await manager.getRepository(TrainingSession).save(session);
      await this.audit.record(manager, actor, {
        operation: first ? 'session.attendance' : 'session.attendance.correct',
        objectType: 'session',
        objectId: session.id,
        before: first ? { status: SessionStatus.Planned } : before,
        after: { ...attendanceView(session), status: session.status },
        unitId: session.unitId,
        groupId: session.groupId,
      });
      const assignments = await this.repository.assignmentsByIds(await this.repository.activeAssignmentIds(manager, session.id), manager);
      await this.changes.emit(manager, { sessions: [session.id], members: assignments.map((a) => a.memberId) });
      return session;
    });
  }

  private count(value: number, field: string): void {
    wholeNumber(value, 0, MAX_PARTICIPANTS, field);
  }
}
