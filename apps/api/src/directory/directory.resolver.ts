import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { UUID } from '../graphql/uuid.scalar';
import {
  DirectoryImportService,
  DirectoryService,
  GroupStatus,
  isActiveMember,
  isCurrentMembership,
  Member,
  Membership,
  VolunteerGroup,
} from '@cdtg/directory';
import { AdminUnit } from '@cdtg/geography';
import { Clock } from '@cdtg/time';
import { Actor, DataScope, Permission } from '@cdtg/access';
import { Allow, CurrentActor, Scope } from '../access/access.decorators';
import { on } from '../access/targets';
import { toConnection } from '../common/connection';
import { GraphqlContext, LoaderFactory } from '../common/loaders';
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

type Ctx = GraphqlContext;

@Resolver(() => GroupType)
export class GroupResolver {
  constructor(
    private readonly directory: DirectoryService,
    private readonly imports: DirectoryImportService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => GroupConnection, { description: 'Groups in your scope, filtered and sorted, with cursor pagination (first ≤ 100)' })
  @Allow(Permission.ReadDirectory)
  async groups(@Args() args: GroupsArgs, @Scope() scope: DataScope) {
    const f = args.filter ?? {};
    return toConnection(await this.directory.listGroups(scope, { ...f, sort: args.sort }, { first: args.first, after: args.after }));
  }

  @Query(() => GroupType)
  @Allow(Permission.ReadDirectory, on.group())
  group(@Args('id', { type: () => UUID }) id: string): Promise<VolunteerGroup> {
    return this.directory.group(id);
  }

  @Query(() => [SkillType], { description: 'The skill catalogue' })
  @Allow(Permission.ReadReference)
  skills() {
    return this.directory.skills();
  }

  @Query(() => DirectoryImportType, { description: 'Progress and per-row report of a CSV import (yours, or any for an admin)' })
  @Allow(Permission.ManageDirectory, on.import())
  directoryImport(@Args('id', { type: () => UUID }) id: string) {
    return this.imports.find(id);
  }

  @Mutation(() => GroupType)
  @Allow(Permission.ManageDirectory, on.unit('input.unitId'))
  createGroup(@Args('input') input: CreateGroupInput, @CurrentActor() actor: Actor): Promise<VolunteerGroup> {
    return this.directory.createGroup(actor, input);
  }

  @Mutation(() => GroupType)
  @Allow(Permission.ManageDirectory, on.group())
  updateGroup(@Args('id', { type: () => UUID }) id: string, @Args('input') input: UpdateGroupInput, @CurrentActor() actor: Actor): Promise<VolunteerGroup> {
    return this.directory.updateGroup(actor, id, input);
  }

  @Mutation(() => GroupType, { description: 'active, suspended, or dissolved (final; current memberships end on that day)' })
  @Allow(Permission.ManageDirectory, on.group())
  setGroupStatus(
    @Args('id', { type: () => UUID }) id: string,
    @Args('status', { type: () => GroupStatus }) status: GroupStatus,
    @CurrentActor() actor: Actor,
    @Args('on', { type: () => String, nullable: true }) day?: string | null,
  ): Promise<VolunteerGroup> {
    return this.directory.setGroupStatus(actor, id, status, day);
  }

  @Mutation(() => DirectoryImportType, {
    description: 'Queue a CSV import of groups or members; poll directoryImport(id). Rows outside your scope are refused row by row',
  })
  @Allow(Permission.ManageDirectory)
  importDirectoryCsv(@Args('input') input: DirectoryImportInput, @CurrentActor() actor: Actor, @Scope() scope: DataScope) {
    return this.imports.start(actor, scope, input.kind, input.csv);
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

  @ResolveField(() => GroupType, { nullable: true, description: 'Null when the group is outside your scope' })
  group(@Parent() membership: Membership, @Context() ctx: Ctx): Promise<VolunteerGroup | null> {
    return this.loaders.of(ctx).group.load(membership.groupId);
  }
}

@Resolver(() => MembershipRecordType)
export class MembershipRecordResolver {
  constructor(private readonly loaders: LoaderFactory) {}

  @ResolveField(() => GroupType, { nullable: true, description: 'Null when the group is outside your scope' })
  group(@Parent() membership: Membership, @Context() ctx: Ctx): Promise<VolunteerGroup | null> {
    return this.loaders.of(ctx).group.load(membership.groupId);
  }
}

@Resolver(() => MemberType)
export class MemberResolver {
  constructor(
    private readonly directory: DirectoryService,
    private readonly loaders: LoaderFactory,
    private readonly clock: Clock,
  ) {}

  @Query(() => MemberConnection, { description: 'Members in your scope, filtered and sorted, with cursor pagination (first ≤ 100)' })
  @Allow(Permission.ReadDirectory)
  async members(@Args() args: MembersArgs, @Scope() scope: DataScope) {
    const f = args.filter ?? {};
    return toConnection(await this.directory.listMembers(scope, { ...f, sort: args.sort }, { first: args.first, after: args.after }));
  }

  @Query(() => MemberType)
  @Allow(Permission.ReadDirectory, on.member())
  member(@Args('id', { type: () => UUID }) id: string): Promise<Member> {
    return this.directory.member(id);
  }

  @Mutation(() => MemberType, { description: 'Add a member to a group (phone unique among active members)' })
  @Allow(Permission.ManageDirectory, on.group('input.groupId'))
  createMember(@Args('input') input: CreateMemberInput, @CurrentActor() actor: Actor, @Scope() scope: DataScope): Promise<Member> {
    const { groupId, role, ...fields } = input;
    return this.directory.createMember(actor, scope, groupId, role, fields);
  }

  @Mutation(() => MemberType)
  @Allow(Permission.ManageDirectory, on.member())
  updateMember(
    @Args('id', { type: () => UUID }) id: string,
    @Args('input') input: UpdateMemberInput,
    @CurrentActor() actor: Actor,
    @Scope() scope: DataScope,
  ): Promise<Member> {
    return this.directory.updateMember(actor, scope, id, input);
  }

  @Mutation(() => MemberType, { description: 'Move a member to another group (or role); history is kept. Both groups must be in your scope' })
  @Allow(Permission.ManageDirectory, on.member('input.memberId'), on.group('input.groupId'))
  moveMember(@Args('input') input: MoveMemberInput, @CurrentActor() actor: Actor): Promise<Member> {
    return this.directory.moveMember(actor, input.memberId, input.groupId, input.role, input.on);
  }

  @Mutation(() => MemberType, { description: 'The member leaves on a date (default today)' })
  @Allow(Permission.ManageDirectory, on.member())
  deactivateMember(
    @Args('id', { type: () => UUID }) id: string,
    @CurrentActor() actor: Actor,
    @Args('on', { type: () => String, nullable: true }) day?: string | null,
  ): Promise<Member> {
    return this.directory.deactivateMember(actor, id, day);
  }

  /** Joined by today and not left (directory-current.ts). */
  @ResolveField(() => Boolean)
  active(@Parent() member: Member): boolean {
    return isActiveMember(member, this.clock.today());
  }

  @ResolveField(() => GroupMemberType, { nullable: true, description: 'The current group and role' })
  async current(@Parent() member: Member, @Context() ctx: Ctx): Promise<Membership | null> {
    const today = this.clock.today();
    return (await this.loaders.of(ctx).memberHistory.load(member.id)).find((m) => isCurrentMembership(m, today)) ?? null;
  }

  @ResolveField(() => [MembershipRecordType], { description: 'Every group the member has been in, newest first' })
  history(@Parent() member: Member, @Context() ctx: Ctx): Promise<Membership[]> {
    return this.loaders.of(ctx).memberHistory.load(member.id);
  }
}

export const DirectoryResolvers = [GroupResolver, GroupMemberResolver, MembershipRecordResolver, MemberResolver];
