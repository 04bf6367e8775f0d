import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { DataScope } from '@cdtg/access';
import { AuditActor, AuditService } from '@cdtg/audit';
import { GroupStatus } from '@cdtg/directory';
import { DomainError, Reason } from '@cdtg/errors';
import { ChangeFeed } from '@cdtg/queue';
import { assertNoPersonalNumbers, tidyName } from '@cdtg/text';
import { Clock, vietnamDate } from '@cdtg/time';
import { notPlanned } from './refusals';
import { SessionAssignment } from './session-assignment.entity';
import { SessionNotices } from './session-notices.service';
import { SessionRepository } from './session.repository';
import { SessionService } from './session.service';
import { AssignmentRole, AssignmentStatus, SessionStatus } from './sessions.enums';
import { rankSuggestions, Suggestion } from './suggestions';
import { TrainingSession } from './training-session.entity';
import { TrainingTopicService } from './training-topic.service';

export interface AssignmentResponse {
  accept: boolean;
  /** Required to decline. */
  reason?: string | null;
}

/**
 * Who helps at a session: ward officers assign members with a role, members accept or decline, officers withdraw.
 * Refused, with the field and the reason: a member in two overlapping sessions, more trainers than the session
 * wants, an inactive member (left, no current group, or a group that is not active), a session no longer planned or
 * already started. (A member outside the officer's scope never gets here: the access rule refuses it.)
 */
@Injectable()
export class AssignmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SessionRepository,
    private readonly sessions: SessionService,
    private readonly topics: TrainingTopicService,
    private readonly notices: SessionNotices,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
    private readonly clock: Clock,
  ) {}

  assignmentsOfSessions(sessionIds: readonly string[]): Promise<SessionAssignment[]> {
    return this.repository.assignmentsOfSessions(sessionIds);
  }

  assignmentsByIds(ids: readonly string[]): Promise<SessionAssignment[]> {
    return this.repository.assignmentsByIds(ids);
  }

  async assign(actor: AuditActor, input: { sessionId: string; memberId: string; role: AssignmentRole }): Promise<SessionAssignment> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const session = await this.sessions.lockedPlanned(manager, input.sessionId, 'input.sessionId');
        this.notStarted(session, 'input.sessionId');
        const [member] = await this.repository.lockMembers(manager, [input.memberId]);
        if (!member) throw DomainError.notFound('Member');
        if (member.leftOn) throw DomainError.conflict(Reason.MemberLeft, { on: member.leftOn }, 'input.memberId');
        const group = await this.repository.currentGroupOf(manager, input.memberId);
        if (!group) throw DomainError.conflict(Reason.MemberInactive, undefined, 'input.memberId');
        if (group.status !== GroupStatus.Active) throw DomainError.conflict(Reason.GroupNotActive, { status: group.status }, 'input.memberId');
        if (input.role === AssignmentRole.Trainer && (await this.repository.trainerCount(manager, session.id)) >= session.trainerSlots) {
          throw DomainError.conflict(Reason.TrainerSlotsFull, { slots: session.trainerSlots }, 'input.role');
        }
        const [clash] = await this.repository.overlapping(manager, [input.memberId], session.startsAt, session.endsAt, null);
        if (clash) {
          if (clash.sessionId === session.id) throw DomainError.conflict(Reason.AlreadyAssigned, undefined, 'input.memberId');
          // The other session, so the console can name it and its time.
          throw DomainError.conflict(
            Reason.DoubleBooked,
            { title: clash.title, startsAt: clash.startsAt.toISOString(), endsAt: clash.endsAt.toISOString() },
            'input.memberId',
          );
        }
        const assignment = manager.getRepository(SessionAssignment).create({
          sessionId: session.id,
          memberId: input.memberId,
          role: input.role,
          status: AssignmentStatus.Pending,
          assignedBy: actor.userId,
        });
        await manager.getRepository(SessionAssignment).insert(assignment);
        await this.audit.record(manager, actor, {
          operation: 'assignment.create',
          objectType: 'assignment',
          objectId: assignment.id,
          after: { sessionId: session.id, memberId: input.memberId, role: input.role },
          unitId: session.unitId,
          groupId: session.groupId,
        });
        await this.notices.assigned(manager, session, [assignment.id], actor.label);
        await this.changes.emit(manager, { sessions: [session.id], members: [input.memberId] });
        return assignment;
      });
    } catch (error) {
      // Two officers assigning the same member at once: the unique index answers for the second.
      if (error instanceof QueryFailedError && (error as unknown as { code?: string }).code === '23505')
        throw DomainError.conflict(Reason.AlreadyAssigned, undefined, 'input.memberId');
      throw error;
    }
  }

  /** An officer takes a member off a planned session (with a notice to the member). */
  async withdraw(actor: AuditActor, assignmentId: string, reasonText?: string | null): Promise<SessionAssignment> {
    const reason = reasonText ? tidyName(reasonText).slice(0, 500) || null : null;
    assertNoPersonalNumbers('reason', reasonText);
    return this.dataSource.transaction(async (manager) => {
      const { session, assignment } = await this.locked(manager, assignmentId);
      if (session.status !== SessionStatus.Planned) throw notPlanned(session, 'id');
      if (assignment.status === AssignmentStatus.Withdrawn) return assignment;
      if (assignment.status === AssignmentStatus.Declined) throw DomainError.conflict(Reason.AlreadyDeclined, undefined, 'id');
      const before = assignment.status;
      Object.assign(assignment, { status: AssignmentStatus.Withdrawn, reason });
      await manager.getRepository(SessionAssignment).save(assignment);
      await this.audit.record(manager, actor, {
        operation: 'assignment.withdraw',
        objectType: 'assignment',
        objectId: assignment.id,
        before: { status: before },
        after: { status: assignment.status, reason },
        unitId: session.unitId,
        groupId: session.groupId,
      });
      await this.notices.withdrawn(manager, session, assignment.id, reason);
      await this.changes.emit(manager, { sessions: [session.id], members: [assignment.memberId] });
      return assignment;
    });
  }

  /**
   * The member's answer to their own assignment (found through their account's member; anyone else's is "not
   * found", never a hint that it exists).
   */
  async respondAsMember(actor: AuditActor & { userId: string }, assignmentId: string, response: AssignmentResponse): Promise<SessionAssignment> {
    const memberId = await this.repository.memberOfUser(actor.userId);
    const [assignment] = memberId ? await this.repository.assignmentsByIds([assignmentId]) : [];
    if (!assignment || assignment.memberId !== memberId) throw DomainError.notFound('Assignment');
    return this.respond(actor, assignmentId, response);
  }

  /**
   * Records an answer: pending → accepted or declined; accepted → declined (a change of mind). Declining needs a
   * reason. Not once the session has started, was held or was cancelled.
   */
  async respond(actor: AuditActor, assignmentId: string, response: AssignmentResponse): Promise<SessionAssignment> {
    const reason = response.reason ? tidyName(response.reason).slice(0, 500) : '';
    if (!response.accept && reason.length < 3) throw DomainError.invalid('input.reason', Reason.ReasonNeeded, { min: 3, max: 500 });
    assertNoPersonalNumbers('input.reason', response.reason);
    return this.dataSource.transaction(async (manager) => {
      const { session, assignment } = await this.locked(manager, assignmentId);
      if (session.status !== SessionStatus.Planned) throw notPlanned(session, 'input.assignmentId');
      this.notStarted(session, 'input.assignmentId');
      const next = response.accept ? AssignmentStatus.Accepted : AssignmentStatus.Declined;
      if (assignment.status === next) return assignment;
      const allowed = assignment.status === AssignmentStatus.Pending || (assignment.status === AssignmentStatus.Accepted && next === AssignmentStatus.Declined);
      if (!allowed) throw DomainError.conflict(Reason.AssignmentClosed, { status: assignment.status }, 'input.assignmentId');
      const before = assignment.status;
      Object.assign(assignment, { status: next, reason: response.accept ? null : reason, respondedAt: this.clock.now(), respondedBy: actor.userId });
      await manager.getRepository(SessionAssignment).save(assignment);
      await this.audit.record(manager, actor, {
        operation: response.accept ? 'assignment.accept' : 'assignment.decline',
        objectType: 'assignment',
        objectId: assignment.id,
        before: { status: before },
        after: { status: next, reason: assignment.reason },
        unitId: session.unitId,
        groupId: session.groupId,
      });
      await this.changes.emit(manager, { sessions: [session.id], members: [assignment.memberId] });
      return assignment;
    });
  }

  /**
   * Members to assign to a session, best first, each with the parts of its score (see suggestions.ts): active
   * members of active groups in the session's commune and in the officer's scope, free at that time.
   */
  async suggestions(access: DataScope, sessionId: string, first: number): Promise<Suggestion[]> {
    const session = await this.sessions.session(sessionId);
    const catalogue = await this.topics.byCode();
    const requiredSkills = this.topics.requiredSkills(catalogue, session.topics);
    const place = await this.repository.placeOfUnit(session.unitId);
    if (!place?.communePath) return [];
    const candidates = await this.repository.suggestionCandidates(
      access,
      { pathPrefix: `${place.communePath}%`, asOf: vietnamDate(session.startsAt) },
      session,
    );
    return rankSuggestions(
      candidates.map((c) => ({
        memberId: c.memberId,
        fullName: c.fullName,
        requiredSkills,
        matchedSkills: requiredSkills.filter((s) => c.skills.includes(s)),
        sameGroup: c.groupId === session.groupId,
        sameUnit: c.unitId === session.unitId,
        recentAssignments: c.recent,
      })),
      first,
    );
  }

  private notStarted(session: TrainingSession, field: string): void {
    if (session.startsAt.getTime() <= this.clock.now().getTime()) throw DomainError.conflict(Reason.SessionStarted, undefined, field);
  }

  /** The assignment and its session, both locked (session first, as every writer does). */
  private async locked(manager: EntityManager, assignmentId: string): Promise<{ session: TrainingSession; assignment: SessionAssignment }> {
    const [found] = await this.repository.assignmentsByIds([assignmentId], manager);
    if (!found) throw DomainError.notFound('Assignment');
    const session = await this.repository.lockedSession(manager, found.sessionId);
    const assignment = await manager.getRepository(SessionAssignment).findOne({ where: { id: assignmentId }, lock: { mode: 'pessimistic_write' } });
    if (!session || !assignment) throw DomainError.notFound('Assignment');
    return { session, assignment };
  }
}
