import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DataScope } from '@cdtg/access';
import { AuditActor, AuditService } from '@cdtg/audit';
import { Page, PageRequest } from '@cdtg/database';
import { DirectoryService, GroupStatus } from '@cdtg/directory';
import { DomainError, Reason } from '@cdtg/errors';
import { UnitKind } from '@cdtg/geography';
import { ChangeFeed } from '@cdtg/queue';
import { assertNoPersonalNumbers, foldVietnamese, tidyName } from '@cdtg/text';
import { addDays, Clock, formatVietnamTime, requireIsoDate, requireVietnamTime, startOfVietnamDay, vietnamDate } from '@cdtg/time';
import { notPlanned, wholeNumber } from './refusals';
import { SessionNotices } from './session-notices.service';
import { SessionSchedule } from './session-schedule.entity';
import { SessionRepository } from './session.repository';
import { SessionAudience, SessionStatus } from './sessions.enums';
import { TrainingSession } from './training-session.entity';
import { TrainingTopicService } from './training-topic.service';

export interface PlanSessionInput {
  groupId: string;
  unitId: string;
  title: string;
  topics: string[];
  /** Vietnam time (2026-12-05T08:00) or ISO 8601 with an offset. */
  startsAt: string;
  endsAt: string;
  place: string;
  latitude?: number | null;
  longitude?: number | null;
  capacity: number;
  trainerSlots?: number | null;
  audience?: SessionAudience[] | null;
  notes?: string | null;
}

export interface SessionDetailsPatch {
  title?: string | null;
  topics?: string[] | null;
  capacity?: number | null;
  trainerSlots?: number | null;
  audience?: SessionAudience[] | null;
  notes?: string | null;
}

/** A new time and/or place. Coordinates are cleared when the place changes without new ones. */
export interface ReschedulePatch {
  startsAt?: string | null;
  endsAt?: string | null;
  place?: string | null;
  unitId?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  reason?: string | null;
}

export interface SessionListFilter {
  unitCode?: string | null;
  asOf?: string | null;
  groupId?: string | null;
  /** First and last day (YYYY-MM-DD, Vietnam calendar) of the sessions' start. */
  from?: string | null;
  to?: string | null;
  topic?: string | null;
  status?: SessionStatus | null;
  search?: string | null;
  attendanceDue?: boolean | null;
  sort?: 'soonest' | 'latest';
}

/** The longest session accepted: longer is almost always a typing mistake in a date. */
export const MAX_SESSION_HOURS = 12;
const PLACE_KINDS: string[] = [UnitKind.Commune, UnitKind.SpecialZone, UnitKind.ResidentialGroup];

/**
 * Training sessions: planning, details, rescheduling (keeping every version of time and place), cancellation, and
 * the lists. Every write is one transaction with its audit entry, its notices, its reminder job and its change-feed
 * event.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SessionRepository,
    private readonly directory: DirectoryService,
    private readonly topics: TrainingTopicService,
    private readonly notices: SessionNotices,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
    private readonly clock: Clock,
  ) {}

  async list(access: DataScope, filter: SessionListFilter, page: PageRequest): Promise<Page<TrainingSession>> {
    return this.repository.listSessions(
      {
        access,
        scope: await this.directory.scope(filter.unitCode, filter.asOf),
        groupId: filter.groupId ?? undefined,
        from: filter.from ? startOfVietnamDay(requireIsoDate(filter.from, 'filter.from')) : undefined,
        to: filter.to ? startOfVietnamDay(addDays(requireIsoDate(filter.to, 'filter.to'), 1)) : undefined,
        topic: filter.topic ?? undefined,
        status: filter.status ?? undefined,
        search: filter.search ? foldVietnamese(filter.search) : undefined,
        attendanceDue: filter.attendanceDue ?? undefined,
        sort: filter.sort ?? 'soonest',
      },
      page,
    );
  }

  async session(id: string): Promise<TrainingSession> {
    const [session] = await this.repository.sessionsByIds([id]);
    if (!session) throw DomainError.notFound('Session');
    return session;
  }

  sessionsByIds(ids: readonly string[]): Promise<TrainingSession[]> {
    return this.repository.sessionsByIds(ids);
  }

  schedulesOf(sessionIds: readonly string[]): Promise<SessionSchedule[]> {
    return this.repository.schedulesOfSessions(sessionIds);
  }

  /** Planned sessions whose end has passed: the lead should log attendance (or the session be cancelled). */
  attendanceDue(session: TrainingSession, now = this.clock.now()): boolean {
    return session.status === SessionStatus.Planned && session.endsAt.getTime() < now.getTime();
  }

  async plan(actor: AuditActor, input: PlanSessionInput): Promise<TrainingSession> {
    const details = await this.details(input, 'input');
    const { startsAt, endsAt } = this.times(input.startsAt, input.endsAt, 'input');
    const place = this.placeText(input.place, 'input.place');
    const coordinates = this.coordinates(input.latitude, input.longitude, 'input');
    const group = await this.directory.group(input.groupId);
    if (group.status !== GroupStatus.Active) throw DomainError.invalid('input.groupId', Reason.GroupNotActive, { status: group.status });
    await this.checkUnit(input.unitId, group.unitId, startsAt, 'input.unitId');
    return this.dataSource.transaction(async (manager) => {
      const session = manager.getRepository(TrainingSession).create({
        ...details,
        groupId: group.id,
        unitId: input.unitId,
        startsAt,
        endsAt,
        place,
        ...coordinates,
        status: SessionStatus.Planned,
        version: 1,
        createdBy: actor.userId,
      });
      await manager.getRepository(TrainingSession).insert(session);
      await this.recordSchedule(manager, actor, session, null);
      await this.audit.record(manager, actor, {
        operation: 'session.plan',
        objectType: 'session',
        objectId: session.id,
        after: this.auditView(session),
        unitId: session.unitId,
        groupId: session.groupId,
      });
      await this.notices.planReminder(manager, session);
      await this.changes.emit(manager, { sessions: [session.id] });
      return session;
    });
  }

  /** Title, topics, capacity, trainer slots, audience and notes of a planned session. No notices. */
  async updateDetails(actor: AuditActor, id: string, patch: SessionDetailsPatch): Promise<TrainingSession> {
    // Only what is sent: a stored text is not re-judged when another detail changes.
    assertNoPersonalNumbers('input.title', patch.title);
    assertNoPersonalNumbers('input.notes', patch.notes);
    return this.dataSource.transaction(async (manager) => {
      const session = await this.lockedPlanned(manager, id);
      const before = this.auditView(session);
      const merged = await this.details(
        {
          title: patch.title ?? session.title,
          topics: patch.topics ?? session.topics,
          capacity: patch.capacity ?? session.capacity,
          trainerSlots: patch.trainerSlots ?? session.trainerSlots,
          audience: patch.audience ?? session.audience,
          notes: patch.notes === undefined ? session.notes : patch.notes,
        },
        'input',
        false,
      );
      if (merged.trainerSlots < (await this.repository.trainerCount(manager, id))) {
        throw DomainError.conflict(Reason.TooManyTrainers, undefined, 'input.trainerSlots');
      }
      Object.assign(session, merged);
      await manager.getRepository(TrainingSession).save(session);
      await this.audit.record(manager, actor, {
        operation: 'session.update',
        objectType: 'session',
        objectId: id,
        before,
        after: this.auditView(session),
        unitId: session.unitId,
        groupId: session.groupId,
      });
      await this.changes.emit(manager, { sessions: [id] });
      return session;
    });
  }

  /**
   * A new time and/or place for a planned session: a new schedule version (the old ones stay), one change notice
   * per assigned member, and the reminder moved. Refused when an assigned member would be in two sessions at once.
   */
  async reschedule(actor: AuditActor, id: string, patch: ReschedulePatch): Promise<TrainingSession> {
    const reason = patch.reason ? tidyName(patch.reason).slice(0, 500) || null : null;
    assertNoPersonalNumbers('input.reason', patch.reason ? tidyName(patch.reason) : null);
    if (patch.place) this.placeText(patch.place, 'input.place');
    return this.dataSource.transaction(async (manager) => {
      const session = await this.lockedPlanned(manager, id);
      const before = {
        startsAt: session.startsAt,
        endsAt: session.endsAt,
        place: session.place,
        unitId: session.unitId,
        latitude: session.latitude,
        longitude: session.longitude,
      };
      const timeGiven = !!(patch.startsAt || patch.endsAt);
      // A new start alone keeps the duration; a new end alone keeps the start.
      const keepDuration = patch.startsAt && !patch.endsAt ? session.endsAt.getTime() - session.startsAt.getTime() : undefined;
      const { startsAt, endsAt } = timeGiven
        ? this.times(patch.startsAt ?? formatVietnamTime(session.startsAt), patch.endsAt ?? formatVietnamTime(session.endsAt), 'input', keepDuration)
        : { startsAt: session.startsAt, endsAt: session.endsAt };
      if (!timeGiven && session.startsAt.getTime() <= this.clock.now().getTime()) throw DomainError.invalid('input.startsAt', Reason.SessionStarted);
      const place = patch.place ? this.placeText(patch.place, 'input.place') : session.place;
      const coordinates =
        patch.latitude !== undefined || patch.longitude !== undefined
          ? this.coordinates(patch.latitude, patch.longitude, 'input')
          : place !== session.place
            ? { latitude: null, longitude: null }
            : { latitude: session.latitude, longitude: session.longitude };
      const unitId = patch.unitId ?? session.unitId;
      if (unitId !== session.unitId || vietnamDate(startsAt) !== vietnamDate(session.startsAt)) {
        const [group] = await this.directory.groupsByIds([session.groupId]);
        await this.checkUnit(unitId, group.unitId, startsAt, patch.unitId ? 'input.unitId' : 'input.startsAt');
      }
      const timeChanged = startsAt.getTime() !== session.startsAt.getTime() || endsAt.getTime() !== session.endsAt.getTime();
      const placeChanged =
        place !== session.place || unitId !== session.unitId || coordinates.latitude !== session.latitude || coordinates.longitude !== session.longitude;
      if (!timeChanged && !placeChanged) return session;

      const assigned = await this.repository.activeAssignmentIds(manager, id);
      const assignments = await this.repository.assignmentsByIds(assigned, manager);
      const memberIds = assignments.map((a) => a.memberId);
      if (timeChanged) {
        await this.repository.lockMembers(manager, memberIds);
        const [clash] = await this.repository.overlapping(manager, memberIds, startsAt, endsAt, id);
        if (clash) {
          // The member's name too: the field is the new time, so the console must say who is busy.
          throw DomainError.conflict(
            Reason.AssignedMemberBusy,
            { name: clash.fullName, title: clash.title, startsAt: clash.startsAt.toISOString(), endsAt: clash.endsAt.toISOString() },
            'input.startsAt',
          );
        }
      }
      Object.assign(session, { startsAt, endsAt, place, unitId, ...coordinates, version: session.version + 1 });
      await manager.getRepository(TrainingSession).save(session);
      await this.recordSchedule(manager, actor, session, reason);
      await this.audit.record(manager, actor, {
        operation: 'session.reschedule',
        objectType: 'session',
        objectId: id,
        before: { ...before, version: session.version - 1 },
        after: { startsAt, endsAt, place, unitId, ...coordinates, version: session.version, reason },
        unitId: session.unitId,
        groupId: session.groupId,
      });
      const names = await this.repository.namesOf(manager, [], [before.unitId]);
      await this.notices.changed(manager, session, assigned, { ...before, unitName: names.units.get(before.unitId) ?? '' }, reason);
      if (timeChanged) await this.notices.planReminder(manager, session, before.startsAt);
      await this.changes.emit(manager, { sessions: [id], members: memberIds });
      return session;
    });
  }

  /** Planned → cancelled, with a reason: a notice to each assigned member, and no reminder. Final. */
  async cancel(actor: AuditActor, id: string, reasonText: string): Promise<TrainingSession> {
    const reason = tidyName(reasonText ?? '');
    if (reason.length < 3 || reason.length > 500) throw DomainError.invalid('reason', Reason.ReasonNeeded, { min: 3, max: 500 });
    assertNoPersonalNumbers('reason', reason);
    return this.dataSource.transaction(async (manager) => {
      const session = await this.lockedPlanned(manager, id);
      Object.assign(session, { status: SessionStatus.Cancelled, cancelReason: reason, cancelledAt: this.clock.now() });
      await manager.getRepository(TrainingSession).save(session);
      await this.audit.record(manager, actor, {
        operation: 'session.cancel',
        objectType: 'session',
        objectId: id,
        before: { status: SessionStatus.Planned },
        after: { status: session.status, reason },
        unitId: session.unitId,
        groupId: session.groupId,
      });
      const assigned = await this.repository.activeAssignmentIds(manager, id);
      await this.notices.cancelled(manager, session, assigned);
      await this.notices.cancelReminder(manager, session);
      const assignments = await this.repository.assignmentsByIds(assigned, manager);
      await this.changes.emit(manager, { sessions: [id], members: assignments.map((a) => a.memberId) });
      return session;
    });
  }

  /** The session, locked for this transaction; it must still be planned. */
  async lockedPlanned(manager: EntityManager, id: string, field = 'id'): Promise<TrainingSession> {
    const session = await this.repository.lockedSession(manager, id);
    if (!session) throw DomainError.notFound('Session');
    if (session.status !== SessionStatus.Planned) throw notPlanned(session, field);
    return session;
  }

  private async recordSchedule(manager: EntityManager, actor: AuditActor, s: TrainingSession, reason: string | null): Promise<void> {
    await manager.getRepository(SessionSchedule).insert({
      sessionId: s.id,
      version: s.version,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      place: s.place,
      unitId: s.unitId,
      latitude: s.latitude,
      longitude: s.longitude,
      reason,
      changedBy: actor.userId,
    });
  }

  /**
   * Where a session may be held: a commune, special zone or residential group in force on the session's date,
   * inside the commune the group works in (following reorganisations: a group founded under an old ward holds
   * sessions in the commune that ward went into).
   */
  private async checkUnit(unitId: string, groupUnitId: string, startsAt: Date, field: string): Promise<void> {
    const day = vietnamDate(startsAt);
    const unit = await this.repository.placeOfUnit(unitId);
    if (!unit) throw DomainError.invalid(field, Reason.NotFound, { what: 'Unit' });
    if (!PLACE_KINDS.includes(unit.kind) || !unit.communePath) throw DomainError.invalid(field, Reason.UnitWrongKind, { kinds: PLACE_KINDS });
    if ((unit.validFrom && unit.validFrom > day) || (unit.validTo && unit.validTo < day)) throw DomainError.invalid(field, Reason.UnitNotInForce, { day });
    if (!(await this.repository.unitInArea(groupUnitId, { pathPrefix: `${unit.communePath}%`, asOf: day }))) {
      throw DomainError.invalid(field, Reason.OutsideGroupCommune);
    }
  }

  private times(startText: string, endText: string, prefix: string, keepDurationMs?: number): { startsAt: Date; endsAt: Date } {
    const startsAt = requireVietnamTime(startText, `${prefix}.startsAt`);
    const endsAt = keepDurationMs === undefined ? requireVietnamTime(endText, `${prefix}.endsAt`) : new Date(startsAt.getTime() + keepDurationMs);
    if (startsAt.getTime() <= this.clock.now().getTime()) throw DomainError.invalid(`${prefix}.startsAt`, Reason.NotInTheFuture);
    if (endsAt.getTime() <= startsAt.getTime()) throw DomainError.invalid(`${prefix}.endsAt`, Reason.EndsBeforeStart);
    if (endsAt.getTime() - startsAt.getTime() > MAX_SESSION_HOURS * 3600_000)
      throw DomainError.invalid(`${prefix}.endsAt`, Reason.SessionTooLong, { hours: MAX_SESSION_HOURS });
    return { startsAt, endsAt };
  }

  /** `checkText`: whether title and notes are new text to check for citizens' identifiers (see updateDetails). */
  private async details(
    input: { title: string; topics: string[]; capacity: number; trainerSlots?: number | null; audience?: SessionAudience[] | null; notes?: string | null },
    prefix: string,
    checkText = true,
  ) {
    const title = tidyName(input.title ?? '');
    if (title.length < 3 || title.length > 200) throw DomainError.invalid(`${prefix}.title`, Reason.Length, { min: 3, max: 200 });
    if (checkText) {
      assertNoPersonalNumbers(`${prefix}.title`, title);
      assertNoPersonalNumbers(`${prefix}.notes`, input.notes);
    }
    const topics = await this.topics.validate(input.topics ?? [], `${prefix}.topics`);
    const capacity = input.capacity;
    wholeNumber(capacity, 1, 10_000, `${prefix}.capacity`);
    const trainerSlots = input.trainerSlots ?? 1;
    wholeNumber(trainerSlots, 1, 20, `${prefix}.trainerSlots`);
    const audience = [...new Set(input.audience ?? [])];
    const notes = input.notes ? input.notes.trim().slice(0, 2000) || null : null;
    return { title, titleSearch: foldVietnamese(title), topics, capacity, trainerSlots, audience, notes };
  }

  private placeText(value: string, field: string): string {
    const place = tidyName(value ?? '');
    if (place.length < 2 || place.length > 300) throw DomainError.invalid(field, Reason.Length, { min: 2, max: 300 });
    assertNoPersonalNumbers(field, place);
    return place;
  }

  private coordinates(
    latitude: number | null | undefined,
    longitude: number | null | undefined,
    prefix: string,
  ): { latitude: number | null; longitude: number | null } {
    const lat = latitude ?? null;
    const lon = longitude ?? null;
    if ((lat === null) !== (lon === null)) throw DomainError.invalid(`${prefix}.${lat === null ? 'latitude' : 'longitude'}`, Reason.BothCoordinates);
    if (lat !== null && (lat < -90 || lat > 90)) throw DomainError.invalid(`${prefix}.latitude`, Reason.OutOfRange, { min: -90, max: 90 });
    if (lon !== null && (lon < -180 || lon > 180)) throw DomainError.invalid(`${prefix}.longitude`, Reason.OutOfRange, { min: -180, max: 180 });
    return { latitude: lat, longitude: lon };
  }

  /** What the audit log keeps of a session (no attendance: that has its own entries). */
  private auditView(s: TrainingSession) {
    return {
      title: s.title,
      topics: s.topics,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      place: s.place,
      unitId: s.unitId,
      groupId: s.groupId,
      capacity: s.capacity,
      trainerSlots: s.trainerSlots,
      audience: s.audience,
      status: s.status,
    };
  }
}
