import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, QueryFailedError } from 'typeorm';
import { AccessService, DataScope } from '@cdtg/access';
import { AuditActor, AuditService } from '@cdtg/audit';
import { Page, PageRequest } from '@cdtg/database';
import { DomainError, FieldProblem, problem, Reason, ReasonParams, reasonText } from '@cdtg/errors';
import { GeographyService } from '@cdtg/geography';
import { foldVietnamese, normaliseVietnamesePhone, personalNumberProblems, tidyName } from '@cdtg/text';
import { addDays, Clock, isIsoDate } from '@cdtg/time';
import { Affiliation, Gender, GroupStatus, MIN_GROUP_MEMBERS, MemberRole } from './directory.enums';
import { DirectoryRepository, MemberRow, UnitScope } from './directory.repository';
import { Member } from './member.entity';
import { Membership } from './membership.entity';
import { Skill } from './skill.entity';
import { VolunteerGroup } from './volunteer-group.entity';

export interface GroupInput {
  unitId: string;
  name: string;
  decisionNumber?: string | null;
  decisionDate?: string | null;
}

export interface MemberInput {
  fullName: string;
  phone: string;
  email?: string | null;
  gender?: Gender | null;
  birthYear?: number | null;
  affiliation?: Affiliation | null;
  skills?: string[] | null;
  joinedOn?: string | null;
}

export interface MemberFilter {
  groupId?: string | null;
  active?: boolean | null;
  role?: MemberRole | null;
  skill?: string | null;
  affiliation?: Affiliation | null;
  sort?: 'name' | 'joined';
}

export interface ListFilter {
  unitCode?: string | null;
  asOf?: string | null;
  search?: string | null;
}

/** A phone number held elsewhere: nothing more is said (who, where, or whether active). The English message of Reason.PhoneUnavailable. */
export const PHONE_UNAVAILABLE = reasonText(Reason.PhoneUnavailable);

/** Rules about groups and members; SQL lives in DirectoryRepository. Every write is audited in its transaction. */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: DirectoryRepository,
    private readonly geography: GeographyService,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
  ) {}

  /** The unit-subtree scope of a list filter, or undefined for no unit filter. */
  async scope(unitCode?: string | null, asOf?: string | null): Promise<UnitScope | undefined> {
    if (!unitCode) return undefined;
    const unit = await this.geography.unitByCode(unitCode, asOf);
    return { pathPrefix: `${unit.path}%`, asOf: this.geography.asOf(asOf) };
  }

  /** Groups within `access` (the actor's scope), filtered. */
  async listGroups(
    access: DataScope,
    filter: ListFilter & { status?: GroupStatus | null; sort?: 'name' | 'created' },
    page: PageRequest,
  ): Promise<Page<VolunteerGroup>> {
    return this.repository.listGroups(
      {
        access,
        scope: await this.scope(filter.unitCode, filter.asOf),
        status: filter.status ?? undefined,
        search: filter.search ? foldVietnamese(filter.search) : undefined,
        sort: filter.sort ?? 'name',
      },
      page,
    );
  }

  /** Members within `access` (listed under their current or last group), filtered. */
  async listMembers(access: DataScope, filter: ListFilter & MemberFilter, page: PageRequest): Promise<Page<MemberRow>> {
    return this.repository.listMembers(
      {
        access,
        scope: await this.scope(filter.unitCode, filter.asOf),
        groupId: filter.groupId ?? undefined,
        active: filter.active ?? undefined,
        role: filter.role ?? undefined,
        skill: filter.skill ?? undefined,
        affiliation: filter.affiliation ?? undefined,
        search: filter.search ? foldVietnamese(filter.search) : undefined,
        sort: filter.sort ?? 'name',
      },
      page,
    );
  }

  async group(id: string): Promise<VolunteerGroup> {
    const [group] = await this.repository.groupsByIds([id]);
    if (!group) throw DomainError.notFound('Group');
    return group;
  }

  async member(id: string): Promise<Member> {
    const [member] = await this.repository.membersByIds([id]);
    if (!member) throw DomainError.notFound('Member');
    return member;
  }

  groupsByIds(ids: readonly string[]) {
    return this.repository.groupsByIds(ids);
  }

  membersByIds(ids: readonly string[]) {
    return this.repository.membersByIds(ids);
  }

  currentMemberships(groupIds: readonly string[]) {
    return this.repository.currentMemberships(groupIds);
  }

  membershipsOfMembers(memberIds: readonly string[]) {
    return this.repository.membershipsOfMembers(memberIds);
  }

  skills(): Promise<Skill[]> {
    return this.dataSource.getRepository(Skill).find({ where: { active: true }, order: { code: 'ASC' } });
  }

  async skillCodes(): Promise<Set<string>> {
    return new Set((await this.skills()).map((s) => s.code));
  }

  /** Guidance shortfalls of a group (from its current memberships): warnings, never refusals. */
  warnings(memberships: Membership[]): string[] {
    const out: string[] = [];
    if (!memberships.some((m) => m.role === MemberRole.Leader)) out.push('NO_LEADER');
    if (!memberships.some((m) => m.role === MemberRole.Deputy)) out.push('NO_DEPUTY');
    if (memberships.length < MIN_GROUP_MEMBERS) out.push('FEWER_THAN_7_MEMBERS');
    return out;
  }

  async createGroup(actor: AuditActor, input: GroupInput): Promise<VolunteerGroup> {
    const fields = this.groupFields(input);
    await this.geography.unitById(input.unitId);
    return this.write(
      async (manager) => {
        const group = manager.getRepository(VolunteerGroup).create({ ...fields, unitId: input.unitId, status: GroupStatus.Active });
        await manager.getRepository(VolunteerGroup).insert(group);
        await this.audit.record(manager, actor, {
          operation: 'group.create',
          objectType: 'group',
          objectId: group.id,
          after: group,
          unitId: group.unitId,
          groupId: group.id,
        });
        return group;
      },
      'input.name',
      Reason.GroupNameTaken,
    );
  }

  async updateGroup(
    actor: AuditActor,
    id: string,
    patch: { name?: string | null; decisionNumber?: string | null; decisionDate?: string | null },
  ): Promise<VolunteerGroup> {
    return this.write(
      async (manager) => {
        const group = await this.lockedGroup(manager, id);
        const before = { ...group };
        if (patch.name !== undefined && patch.name !== null) Object.assign(group, this.groupFields({ ...group, name: patch.name }, 'input', group));
        if (patch.decisionNumber !== undefined) group.decisionNumber = patch.decisionNumber ? tidyName(patch.decisionNumber) : null;
        if (patch.decisionDate !== undefined)
          group.decisionDate = this.date(patch.decisionDate, 'input.decisionDate', { past: true, stored: group.decisionDate });
        await manager.getRepository(VolunteerGroup).save(group);
        await this.audit.record(manager, actor, {
          operation: 'group.update',
          objectType: 'group',
          objectId: id,
          before,
          after: group,
          unitId: group.unitId,
          groupId: group.id,
        });
        return group;
      },
      'input.name',
      Reason.GroupNameTaken,
    );
  }

  /** Active ⇄ suspended, or dissolved (final, with its date; current memberships end that day). */
  async setGroupStatus(actor: AuditActor, id: string, status: GroupStatus, on?: string | null): Promise<VolunteerGroup> {
    return this.write(async (manager) => {
      const group = await this.lockedGroup(manager, id);
      if (group.status === GroupStatus.Dissolved) throw DomainError.conflict(Reason.GroupDissolved, {}, 'status');
      const before = { ...group };
      group.status = status;
      if (status === GroupStatus.Dissolved) {
        // Dissolving takes effect now (status and memberships change at once), so its date is today or earlier.
        group.dissolvedOn = this.date(on ?? this.clock.today(), 'on', { past: true })!;
        await this.repository.endGroupMemberships(manager, id, group.dissolvedOn);
      }
      await manager.getRepository(VolunteerGroup).save(group);
      await this.audit.record(manager, actor, {
        operation: `group.${status}`,
        objectType: 'group',
        objectId: id,
        before,
        after: group,
        unitId: group.unitId,
        groupId: group.id,
      });
      return group;
    });
  }

  /** `scope`: what the actor may see of the directory (a phone number in use is named only inside it). */
  async createMember(actor: AuditActor, scope: DataScope, groupId: string, role: MemberRole, input: MemberInput): Promise<Member> {
    const fields = await this.memberFields(input);
    return this.write(
      async (manager) => {
        const group = await this.lockedGroup(manager, groupId);
        if (group.status === GroupStatus.Dissolved) throw DomainError.invalid('input.groupId', Reason.GroupDissolved);
        const member = manager.getRepository(Member).create({ ...fields, joinedOn: fields.joinedOn ?? this.clock.today(), leftOn: null });
        await manager.getRepository(Member).insert(member);
        const membership = { groupId, memberId: member.id, role, fromDate: member.joinedOn, toDate: null };
        await manager.getRepository(Membership).insert(membership);
        await this.audit.record(manager, actor, {
          operation: 'member.create',
          objectType: 'member',
          objectId: member.id,
          after: { ...member, groupId, role },
          unitId: group.unitId,
          groupId,
        });
        return member;
      },
      'input.phone',
      () => this.phoneTaken(scope, fields.phone, 'input.phone'),
    );
  }

  async updateMember(actor: AuditActor, scope: DataScope, id: string, patch: { [K in keyof MemberInput]?: MemberInput[K] | null }): Promise<Member> {
    let phone = '';
    return this.write(
      async (manager) => {
        const member = await manager.getRepository(Member).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!member) throw DomainError.notFound('Member');
        const before = { ...member };
        const merged = await this.memberFields(
          { ...member, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as MemberInput,
          'input',
          undefined,
          member,
        );
        phone = merged.phone;
        Object.assign(member, merged);
        await manager.getRepository(Member).save(member);
        await this.audit.record(manager, actor, {
          operation: 'member.update',
          objectType: 'member',
          objectId: id,
          before,
          after: member,
          ...(await this.placeOf(id, manager)),
        });
        return member;
      },
      'input.phone',
      () => this.phoneTaken(scope, phone, 'input.phone'),
    );
  }

  /** Ends the current membership the day before `on` and opens one in the new group: history is kept. */
  async moveMember(actor: AuditActor, memberId: string, groupId: string, role: MemberRole, on?: string | null): Promise<Member> {
    // A move takes effect when recorded (the current membership closes now), so it may be backdated, never scheduled:
    // a later first day would leave the member in no group until then.
    const day = this.date(on ?? this.clock.today(), 'input.on', { past: true })!;
    return this.write(async (manager) => {
      const member = await manager.getRepository(Member).findOne({ where: { id: memberId }, lock: { mode: 'pessimistic_write' } });
      if (!member) throw DomainError.notFound('Member');
      if (member.leftOn) throw DomainError.invalid('memberId', Reason.MemberLeft, { on: member.leftOn });
      const target = await this.lockedGroup(manager, groupId);
      if (target.status === GroupStatus.Dissolved) throw DomainError.invalid('groupId', Reason.GroupDissolved);
      const current = await manager.getRepository(Membership).findOne({ where: { memberId, toDate: IsNull() } });
      if (current?.groupId === groupId && current.role === role) return member;
      if (current) {
        if (current.fromDate > day) throw DomainError.invalid('input.on', Reason.BeforeMembership, { date: current.fromDate });
        const toDate = current.fromDate === day ? day : addDays(day, -1);
        await manager.update(Membership, current.id, { toDate });
      }
      await manager.getRepository(Membership).insert({ groupId, memberId, role, fromDate: day, toDate: null });
      await this.audit.record(manager, actor, {
        operation: 'member.move',
        objectType: 'member',
        objectId: memberId,
        before: current ? { groupId: current.groupId, role: current.role } : null,
        after: { groupId, role, from: day },
        unitId: target.unitId,
        groupId,
      });
      return member;
    });
  }

  /** The member leaves (on a date): no longer active, membership closed; the phone number is free again. */
  async deactivateMember(actor: AuditActor, memberId: string, on?: string | null): Promise<Member> {
    // Leaving takes effect when recorded (inactive at once, the phone number free again): today or earlier.
    const day = this.date(on ?? this.clock.today(), 'on', { past: true })!;
    return this.write(async (manager) => {
      const member = await manager.getRepository(Member).findOne({ where: { id: memberId }, lock: { mode: 'pessimistic_write' } });
      if (!member) throw DomainError.notFound('Member');
      if (member.leftOn) return member;
      if (day < member.joinedOn) throw DomainError.invalid('on', Reason.BeforeJoined, { date: member.joinedOn });
      const before = { ...member };
      member.leftOn = day;
      await manager.getRepository(Member).save(member);
      await this.repository.endMemberMembership(manager, memberId, day);
      await this.audit.record(manager, actor, {
        operation: 'member.deactivate',
        objectType: 'member',
        objectId: memberId,
        before,
        after: member,
        ...(await this.placeOf(memberId, manager)),
      });
      return member;
    });
  }

  /**
   * Validated, normalised member fields (shared by create, update and import). Every bad field is reported at once.
   * `stored`: the member as saved, whose joinedOn (even a future one, written before that was refused) and name are
   * kept without being judged again by rules newer than them.
   */
  async memberFields(
    input: MemberInput,
    prefix = 'input',
    knownSkills?: Set<string>,
    stored?: { joinedOn: string | null; fullName?: string },
  ): Promise<Omit<Member, 'id' | 'createdAt' | 'updatedAt' | 'leftOn' | 'joinedOn'> & { joinedOn: string | null }> {
    const problems: FieldProblem[] = [];
    const bad = (field: string, reason: Reason, params?: ReasonParams) => problems.push(problem([...prefix.split('.'), field], reason, params));
    const fullName = tidyName(input.fullName ?? '');
    if (fullName.length < 2 || fullName.length > 100) bad('fullName', Reason.Length, { min: 2, max: 100 });
    if (fullName !== stored?.fullName) problems.push(...personalNumberProblems([...prefix.split('.'), 'fullName'], fullName));
    const phone = normaliseVietnamesePhone(input.phone ?? '');
    if (!phone) bad('phone', Reason.NotAPhone);
    const email = input.email ? input.email.trim().toLowerCase() : null;
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) bad('email', Reason.NotAnEmail);
    const today = this.clock.today();
    const thisYear = Number(today.slice(0, 4));
    if (
      input.birthYear !== undefined &&
      input.birthYear !== null &&
      (!Number.isInteger(input.birthYear) || input.birthYear < thisYear - 100 || input.birthYear > thisYear - 10)
    ) {
      bad('birthYear', Reason.OutOfRange, { min: thisYear - 100, max: thisYear - 10 });
    }
    const skills = [...new Set(input.skills ?? [])];
    if (skills.length) {
      const known = knownSkills ?? (await this.skillCodes());
      const unknown = skills.filter((s) => !known.has(s));
      if (unknown.length) bad('skills', Reason.UnknownSkills, { skills: unknown });
    }
    // Joining is a past event: a member who "joins" next month would count as active today.
    const joinedProblem = dateProblem(input.joinedOn, today, { past: true, stored: stored?.joinedOn });
    if (joinedProblem) bad('joinedOn', ...joinedProblem);
    if (problems.length)
      throw problems.length === 1 ? DomainError.invalid(problems[0].path, problems[0].reason!, problems[0].params) : DomainError.invalidFields(problems);
    return {
      fullName,
      nameSearch: foldVietnamese(fullName),
      phone: phone!,
      email,
      gender: input.gender ?? null,
      birthYear: input.birthYear ?? null,
      affiliation: input.affiliation ?? Affiliation.Other,
      skills,
      joinedOn: input.joinedOn || null,
    };
  }

  /** Validated group fields; every bad field is reported at once. `stored`: the group as saved (its decision date and name are kept). */
  groupFields(input: Pick<GroupInput, 'name' | 'decisionNumber' | 'decisionDate'>, prefix = 'input', stored?: { decisionDate: string | null; name?: string }) {
    const problems: FieldProblem[] = [];
    const name = tidyName(input.name ?? '');
    if (name.length < 2 || name.length > 200) problems.push(problem([...prefix.split('.'), 'name'], Reason.Length, { min: 2, max: 200 }));
    if (name !== stored?.name) problems.push(...personalNumberProblems([...prefix.split('.'), 'name'], name));
    // The founding decision is one already taken: not after today.
    const decisionProblem = dateProblem(input.decisionDate, this.clock.today(), { past: true, stored: stored?.decisionDate });
    if (decisionProblem) problems.push(problem([...prefix.split('.'), 'decisionDate'], ...decisionProblem));
    if (problems.length)
      throw problems.length === 1 ? DomainError.invalid(problems[0].path, problems[0].reason!, problems[0].params) : DomainError.invalidFields(problems);
    return {
      name,
      nameSearch: foldVietnamese(name),
      decisionNumber: input.decisionNumber ? tidyName(input.decisionNumber).slice(0, 100) : null,
      decisionDate: input.decisionDate || null,
    };
  }

  /** A day written YYYY-MM-DD, or null; with `past`, not after today in Vietnam unless it is the value already `stored`. */
  private date(value: string | null | undefined, field: string, options: { past?: boolean; stored?: string | null } = {}): string | null {
    const wrong = dateProblem(value, this.clock.today(), options);
    if (wrong) throw DomainError.invalid(field, ...wrong);
    return value || null;
  }

  /** The group (and its unit) a member is listed under: the open membership, else the last one. */
  async placeOf(memberId: string, manager: EntityManager = this.dataSource.manager): Promise<{ unitId: string | null; groupId: string | null }> {
    return (await this.repository.placesOf(manager, [memberId])).get(memberId) ?? { unitId: null, groupId: null };
  }

  private async lockedGroup(manager: EntityManager, id: string): Promise<VolunteerGroup> {
    const group = await manager.getRepository(VolunteerGroup).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!group) throw DomainError.notFound('Group');
    return group;
  }

  /**
   * A phone number an active member already has. Said in full only when that member is in the actor's scope; outside
   * it the answer names nothing (not that the holder is an active member, nor where), so the check is no oracle.
   */
  async phoneTaken(scope: DataScope, phone: string, field: string | (string | number)[]): Promise<DomainError> {
    const holder = await this.repository.activeMemberPlaceByPhone(this.dataSource.manager, phone);
    const path = Array.isArray(field) ? field : field.split('.');
    if (holder && (await this.access.covers(scope, [holder]))) return DomainError.conflict(Reason.PhoneInYourArea, {}, path.join('.'));
    return DomainError.conflict(Reason.PhoneUnavailable, {}, path.join('.'));
  }

  /** A transaction whose unique-constraint violation becomes a CONFLICT naming `field`. */
  private async write<T>(work: (manager: EntityManager) => Promise<T>, field?: string, conflict?: Reason | (() => Promise<DomainError>)): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (field && error instanceof QueryFailedError && (error as unknown as { code?: string }).code === '23505') {
        throw typeof conflict === 'function' ? await conflict() : DomainError.conflict(conflict!, {}, field);
      }
      throw error;
    }
  }
}

/**
 * What is wrong with a day given to the directory, or null. Days that describe the past (a member joined, a group's
 * founding decision was taken, a member left, moved, a group was dissolved) are refused after today in Vietnam: the
 * directory acts on them at once, so a future one would make the record untrue until then. A value already stored
 * (written before this rule) is left as it is, so editing another field of such a record still works.
 */
function dateProblem(
  value: string | null | undefined,
  today: string,
  { past = false, stored }: { past?: boolean; stored?: string | null },
): [Reason, ReasonParams?] | null {
  if (value === null || value === undefined || value === '') return null;
  if (!isIsoDate(value)) return [Reason.BadDate];
  if (past && value !== stored && value > today) return [Reason.InTheFuture, { today }];
  return null;
}
