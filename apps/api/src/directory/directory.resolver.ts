import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DirectoryImportService, DirectoryService, GroupStatus, Member, Membership, VolunteerGroup } from '@cdtg/directory';
import { AdminUnit } from '@cdtg/geography';
import { requestActor } from '../common/actor';
import { toConnection } from '../common/connection';
import { LoaderFactory, Loaders } from '../common/loaders';
import {
  AdminUnitType,
  CreateGroupInput,
  CreateMemberInput,
  DirectoryImportInput,
  DirectoryImportType,
  GroupConnection,
  GroupMemberType,
  GroupsArgs,
  GroupType,
  GroupWarning,
  MemberConnection,
  MembersArgs,
  MembershipRecordType,
  MemberType,
  MoveMemberInput,
  SkillType,
  UpdateGroupInput,
  UpdateMemberInput,
} from './directory.types';

type Ctx = { loaders?: Loaders };

@Resolver(() => GroupType)
export class GroupResolver {
  constructor(
    private readonly directory: DirectoryService,
    private readonly imports: DirectoryImportService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => GroupConnection, { description: 'Groups, filtered and sorted, with cursor pagination (first ≤ 100)' })
  async groups(@Args() args: GroupsArgs) {
    const f = args.filter ?? {};
    return toConnection(await this.directory.listGroups({ ...f, sort: args.sort }, { first: args.first, after: args.after }));
  }

  @Query(() => GroupType)
  group(@Args('id', { type: () => ID }) id: string): Promise<VolunteerGroup> {
    return this.directory.group(id);
  }

  @Query(() => [SkillType], { description: 'The skill catalogue' })
  skills() {
    return this.directory.skills();
  }

  @Query(() => DirectoryImportType, { description: 'Progress and per-row report of a CSV import' })
  directoryImport(@Args('id', { type: () => ID }) id: string) {
    return this.imports.find(id);
  }

  @Mutation(() => GroupType)
  createGroup(@Args('input') input: CreateGroupInput): Promise<VolunteerGroup> {
    return this.directory.createGroup(requestActor(), input);
  }

  @Mutation(() => GroupType)
  updateGroup(@Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateGroupInput): Promise<VolunteerGroup> {
    return this.directory.updateGroup(requestActor(), id, input);
  }

  @Mutation(() => GroupType, { description: 'active, suspended, or dissolved (final; current memberships end on that day)' })
  setGroupStatus(
    @Args('id', { type: () => ID }) id: string,
    @Args('status', { type: () => GroupStatus }) status: GroupStatus,
    @Args('on', { type: () => String, nullable: true }) on?: string | null,
  ): Promise<VolunteerGroup> {
    return this.directory.setGroupStatus(requestActor(), id, status, on);
  }

  @Mutation(() => DirectoryImportType, { description: 'Queue a CSV import of groups or members; poll directoryImport(id)' })
  importDirectoryCsv(@Args('input') input: DirectoryImportInput) {
    return this.imports.start(requestActor(), input.kind, input.csv);
  }

  @ResolveField(() => AdminUnitType)
  unit(@Parent() group: VolunteerGroup, @Context() ctx: Ctx): Promise<AdminUnit | null> {
    return this.loaders.of(ctx).unit.load(group.unitId);
  }

  @ResolveField(() => [GroupMemberType], { description: 'Current members, leader and deputy first' })
  members(@Parent() group: VolunteerGroup, @Context() ctx: Ctx): Promise<Membership[]> {
    return this.loaders.of(ctx).groupMemberships.load(group.id);
  }

  @ResolveField(() => Int)
  async memberCount(@Parent() group: VolunteerGroup, @Context() ctx: Ctx): Promise<number> {
    return (await this.loaders.of(ctx).groupMemberships.load(group.id)).length;
  }

  @ResolveField(() => [GroupWarning], { description: 'Shortfalls against guidance (warnings, never refusals)' })
  async warnings(@Parent() group: VolunteerGroup, @Context() ctx: Ctx): Promise<string[]> {
    return this.directory.warnings(await this.loaders.of(ctx).groupMemberships.load(group.id));
  }
}

@Resolver(() => GroupMemberType)
export class GroupMemberResolver {
  constructor(private readonly loaders: LoaderFactory) {}

  @ResolveField(() => MemberType)
  member(@Parent() membership: Membership, @Context() ctx: Ctx): Promise<Member | null> {
    return this.loaders.of(ctx).member.load(membership.memberId);
  }

  @ResolveField(() => GroupType)
  group(@Parent() membership: Membership, @Context() ctx: Ctx): Promise<VolunteerGroup | null> {
    return this.loaders.of(ctx).group.load(membership.groupId);
  }
}

@Resolver(() => MembershipRecordType)
export class MembershipRecordResolver {
  constructor(private readonly loaders: LoaderFactory) {}

  @ResolveField(() => GroupType)
  group(@Parent() membership: Membership, @Context() ctx: Ctx): Promise<VolunteerGroup | null> {
    return this.loaders.of(ctx).group.load(membership.groupId);
  }
}

@Resolver(() => MemberType)
export class MemberResolver {
  constructor(
    private readonly directory: DirectoryService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => MemberConnection, { description: 'Members, filtered and sorted, with cursor pagination (first ≤ 100)' })
  async members(@Args() args: MembersArgs) {
    const f = args.filter ?? {};
    return toConnection(await this.directory.listMembers({ ...f, sort: args.sort }, { first: args.first, after: args.after }));
  }

  @Query(() => MemberType)
  member(@Args('id', { type: () => ID }) id: string): Promise<Member> {
    return this.directory.member(id);
  }

  @Mutation(() => MemberType, { description: 'Add a member to a group (phone unique among active members)' })
  createMember(@Args('input') input: CreateMemberInput): Promise<Member> {
    const { groupId, role, ...fields } = input;
    return this.directory.createMember(requestActor(), groupId, role, fields);
  }

  @Mutation(() => MemberType)
  updateMember(@Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateMemberInput): Promise<Member> {
    return this.directory.updateMember(requestActor(), id, input);
  }

  @Mutation(() => MemberType, { description: 'Move a member to another group (or role); history is kept' })
  moveMember(@Args('input') input: MoveMemberInput): Promise<Member> {
    return this.directory.moveMember(requestActor(), input.memberId, input.groupId, input.role, input.on);
  }

  @Mutation(() => MemberType, { description: 'The member leaves on a date (default today)' })
  deactivateMember(@Args('id', { type: () => ID }) id: string, @Args('on', { type: () => String, nullable: true }) on?: string | null): Promise<Member> {
    return this.directory.deactivateMember(requestActor(), id, on);
  }

  @ResolveField(() => Boolean)
  active(@Parent() member: Member): boolean {
    return !member.leftOn;
  }

  @ResolveField(() => GroupMemberType, { nullable: true, description: 'The current group and role' })
  async current(@Parent() member: Member, @Context() ctx: Ctx): Promise<Membership | null> {
    return (await this.loaders.of(ctx).memberHistory.load(member.id)).find((m) => m.toDate === null) ?? null;
  }

  @ResolveField(() => [MembershipRecordType], { description: 'Every group the member has been in, newest first' })
  history(@Parent() member: Member, @Context() ctx: Ctx): Promise<Membership[]> {
    return this.loaders.of(ctx).memberHistory.load(member.id);
  }
}


export const DirectoryResolvers = [GroupResolver, GroupMemberResolver, MembershipRecordResolver, MemberResolver];
