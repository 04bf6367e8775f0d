import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { AssistQueryService, Household } from '@cdtg/assists';
import { DirectoryService, Member, Membership, VolunteerGroup } from '@cdtg/directory';
import { AccessService, Permission } from '@cdtg/access';
import { GrantsService, RoleGrant } from '@cdtg/accounts';
import { AdminUnit, GeographyService } from '@cdtg/geography';
import {
  AgendaService,
  AssignmentService,
  SessionAssignment,
  SessionSchedule,
  SessionService,
  TrainingSession,
  TrainingTopic,
  TrainingTopicService,
} from '@cdtg/sessions';
import { RequestWithActor } from '../access/access.decorators';

/** Per-request batch loaders: nested fields cost one query per field per page, not one per row. */
export interface Loaders {
  unit: DataLoader<string, AdminUnit | null>;
  /** Groups in the actor's directory scope; null for the others (nested fields never leave the scope). */
  group: DataLoader<string, VolunteerGroup | null>;
  member: DataLoader<string, Member | null>;
  household: DataLoader<string, Household | null>;
  groupMemberships: DataLoader<string, Membership[]>;
  memberHistory: DataLoader<string, Membership[]>;
  /** Active grants of users, limited to those the actor may see (their own, or in their account-management scope). */
  userGrants: DataLoader<string, RoleGrant[]>;
  /** A member when their current (or last) group is in the actor's directory scope; null otherwise. */
  visibleMember: DataLoader<string, Member | null>;
  /** The name of a group, whatever the scope (the organiser of a session one may see). */
  groupName: DataLoader<string, string | null>;
  session: DataLoader<string, TrainingSession | null>;
  /**
   * Assignments of sessions: all of them for sessions in the actor's sessions scope, only the actor's own (as a
   * member) for the others (a volunteer's agenda).
   */
  sessionAssignments: DataLoader<string, SessionAssignment[]>;
  sessionSchedules: DataLoader<string, SessionSchedule[]>;
  topic: DataLoader<string, TrainingTopic | null>;
}

export type GraphqlContext = { req?: RequestWithActor; loaders?: Loaders };

const byId = <T extends { id: string }>(ids: readonly string[], rows: T[]) => {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
};
const groupedBy = <T>(ids: readonly string[], rows: T[], key: (row: T) => string) => {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(key(row), [...(map.get(key(row)) ?? []), row]);
  return ids.map((id) => map.get(id) ?? []);
};

@Injectable()
export class LoaderFactory {
  constructor(
    private readonly geography: GeographyService,
    private readonly directory: DirectoryService,
    private readonly grants: GrantsService,
    private readonly access: AccessService,
    private readonly assists: AssistQueryService,
    private readonly sessions: SessionService,
    private readonly assignments: AssignmentService,
    private readonly agenda: AgendaService,
    private readonly topics: TrainingTopicService,
  ) {}

  /** The loaders of this request's GraphQL context (created on first use). */
  of(context: GraphqlContext): Loaders {
    const actor = context.req?.actor;
    return (context.loaders ??= {
      unit: new DataLoader(async (ids) => byId(ids, await this.geography.unitsByIds(ids))),
      group: new DataLoader(async (ids) => {
        const groups = await this.directory.groupsByIds(ids);
        if (!actor) return ids.map(() => null);
        const visible = await this.access.inScope(
          actor.scope(Permission.ReadDirectory),
          groups.map((g) => ({ unitId: g.unitId, groupId: g.id })),
        );
        return byId(
          ids,
          groups.filter((_, i) => visible[i]),
        );
      }),
      member: new DataLoader(async (ids) => byId(ids, await this.directory.membersByIds(ids))),
      household: new DataLoader(async (ids) => byId(ids, await this.assists.householdsByIds(ids))),
      groupMemberships: new DataLoader(async (ids) => groupedBy(ids, await this.directory.currentMemberships(ids), (m) => m.groupId)),
      memberHistory: new DataLoader(async (ids) => groupedBy(ids, await this.directory.membershipsOfMembers(ids), (m) => m.memberId)),
      userGrants: new DataLoader(async (ids) => {
        const grants = await this.grants.activeOf(ids);
        if (!actor) return ids.map(() => []);
        const anchors = await this.grants.anchorsOf(grants);
        const visible = await this.access.inScope(actor.scope(Permission.ManageAccounts), anchors);
        return groupedBy(
          ids,
          grants.filter((g, i) => g.userId === actor.userId || visible[i]),
          (g) => g.userId,
        );
      }),
      visibleMember: new DataLoader(async (ids) => {
        const loaders = context.loaders!;
        const histories = await Promise.all(ids.map((id) => loaders.memberHistory.load(id)));
        const places = histories.map((h) => h.find((m) => m.toDate === null) ?? h[0]);
        const groups = await Promise.all(places.map((m) => (m ? loaders.group.load(m.groupId) : null)));
        return Promise.all(ids.map((id, i) => (groups[i] ? loaders.member.load(id) : null)));
      }),
      groupName: new DataLoader(async (ids) => byId(ids, await this.directory.groupsByIds(ids)).map((g) => g?.name ?? null)),
      session: new DataLoader(async (ids) => byId(ids, await this.sessions.sessionsByIds(ids))),
      sessionAssignments: new DataLoader(async (ids) => {
        const [assignments, sessions] = await Promise.all([this.assignments.assignmentsOfSessions(ids), context.loaders!.session.loadMany(ids)]);
        const found = sessions.filter((x): x is TrainingSession => !!x && !(x instanceof Error));
        const visible = actor
          ? await this.access.inScope(
              actor.scope(Permission.ReadSessions),
              found.map((x) => ({ unitId: x.unitId, groupId: x.groupId })),
            )
          : [];
        const whole = new Set(found.filter((_, i) => visible[i]).map((x) => x.id));
        const own = actor && whole.size < ids.length ? await this.agenda.memberOf(actor.userId) : null;
        return groupedBy(
          ids,
          assignments.filter((a) => whole.has(a.sessionId) || (own !== null && a.memberId === own)),
          (a) => a.sessionId,
        );
      }),
      sessionSchedules: new DataLoader(async (ids) => groupedBy(ids, await this.sessions.schedulesOf(ids), (h) => h.sessionId)),
      topic: new DataLoader(async (codes) => {
        const catalogue = await this.topics.byCode();
        return codes.map((c) => catalogue.get(c) ?? null);
      }),
    });
  }
}
