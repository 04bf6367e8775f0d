import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { DirectoryService, Member, Membership, VolunteerGroup } from '@cdtg/directory';
import { AdminUnit, GeographyService } from '@cdtg/geography';

/** Per-request batch loaders: nested fields cost one query per field per page, not one per row. */
export interface Loaders {
  unit: DataLoader<string, AdminUnit | null>;
  group: DataLoader<string, VolunteerGroup | null>;
  member: DataLoader<string, Member | null>;
  groupMemberships: DataLoader<string, Membership[]>;
  memberHistory: DataLoader<string, Membership[]>;
}

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
  ) {}

  /** The loaders of this request's GraphQL context (created on first use). */
  of(context: { loaders?: Loaders }): Loaders {
    return (context.loaders ??= {
      unit: new DataLoader(async (ids) => byId(ids, await this.geography.unitsByIds(ids))),
      group: new DataLoader(async (ids) => byId(ids, await this.directory.groupsByIds(ids))),
      member: new DataLoader(async (ids) => byId(ids, await this.directory.membersByIds(ids))),
      groupMemberships: new DataLoader(async (ids) => groupedBy(ids, await this.directory.currentMemberships(ids), (m) => m.groupId)),
      memberHistory: new DataLoader(async (ids) => groupedBy(ids, await this.directory.membershipsOfMembers(ids), (m) => m.memberId)),
    });
  }
}
