import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { AssistQueryService, Household } from '@cdtg/assists';
import { DirectoryService, Member, Membership, VolunteerGroup } from '@cdtg/directory';
import { AccessService, Permission } from '@cdtg/access';
import { GrantsService, RoleGrant } from '@cdtg/accounts';
import { AdminUnit, GeographyService } from '@cdtg/geography';
import { RequestWithActor } from '../access/access.decorators';

/** Per-request batch loaders: nested fields cost one query per field per page, not one per row. */
export interface Loaders {
  unit: DataLoader<string, AdminUnit | null>;
  /** Groups in the actor's directory scope; null for the others (nested fields never leave the scope). */
  group: DataLoader<string, VolunteerGroup | null>;
  member: DataLoader<string, Member | null>;
  /** Members whose current (or last) group is in the actor's directory scope; null for the others. */
  visibleMember: DataLoader<string, Member | null>;
  household: DataLoader<string, Household | null>;
  groupMemberships: DataLoader<string, Membership[]>;
  memberHistory: DataLoader<string, Membership[]>;
  /** Active grants of users, limited to those the actor may see (their own, or in their account-management scope). */
  userGrants: DataLoader<string, RoleGrant[]>;
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
  ) {}

  /** The loaders of this request's GraphQL context (created on first use). */
  of(context: GraphqlContext): Loaders {
    const actor = context.req?.actor;
    return (context.loaders ??= {
      unit: new DataLoader(async (ids) => byId(ids, await this.geography.unitsByIds(ids))),
      group: new DataLoader(async (ids) => {
        const groups = await this.directory.groupsByIds(ids);
        if (!actor) return ids.map(() => null);
        const visible = await this.access.inScope(actor.scope(Permission.ReadDirectory), groups.map((g) => ({ unitId: g.unitId, groupId: g.id })));
        return byId(ids, groups.filter((_, i) => visible[i]));
      }),
      member: new DataLoader(async (ids) => byId(ids, await this.directory.membersByIds(ids))),
      visibleMember: new DataLoader(async (ids) => {
        if (!actor) return ids.map(() => null);
        const [members, places] = await Promise.all([this.directory.membersByIds(ids), this.directory.placesOf(ids)]);
        const visible = await this.access.inScope(actor.scope(Permission.ReadDirectory), members.map((m) => places.get(m.id) ?? { unitId: null }));
        return byId(ids, members.filter((_, i) => visible[i]));
      }),
      household: new DataLoader(async (ids) => byId(ids, await this.assists.householdsByIds(ids))),
      groupMemberships: new DataLoader(async (ids) => groupedBy(ids, await this.directory.currentMemberships(ids), (m) => m.groupId)),
      memberHistory: new DataLoader(async (ids) => groupedBy(ids, await this.directory.membershipsOfMembers(ids), (m) => m.memberId)),
      userGrants: new DataLoader(async (ids) => {
        const grants = await this.grants.activeOf(ids);
        if (!actor) return ids.map(() => []);
        const anchors = await this.grants.anchorsOf(grants);
        const visible = await this.access.inScope(actor.scope(Permission.ManageAccounts), anchors);
        return groupedBy(ids, grants.filter((g, i) => g.userId === actor.userId || visible[i]), (g) => g.userId);
      }),
    });
  }
}
