import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { UUID } from '../graphql/uuid.scalar';
import { Actor, DataScope, Permission } from '@cdtg/access';
import {
  AssistCorrectionService,
  AssistEntry,
  AssistLogService,
  AssistQueryService,
  BatchResult,
  FollowUpHousehold,
  Household,
  HouseholdCountService,
} from '@cdtg/assists';
import { AuditEvent } from '@cdtg/audit';
import { Member, VolunteerGroup } from '@cdtg/directory';
import { AdminUnit } from '@cdtg/geography';
import { Allow, CurrentActor, Scope } from '../access/access.decorators';
import { on } from '../access/targets';
import { AuditEventType } from '../audit/audit.types';
import { toConnection } from '../common/connection';
import { GraphqlContext, LoaderFactory } from '../common/loaders';
import { GroupType, MemberType } from '../directory/directory.types';
import { AdminUnitType, ImportReportType } from '../geography/geography.types';
import {
  AmendAssistEntryInput,
  AssistEntriesArgs,
  AssistEntryConnection,
  AssistEntryType,
  FollowUpConnection,
  FollowUpsArgs,
  FollowUpType,
  HouseholdCountType,
  HouseholdType,
  ImportHouseholdCountsInput,
  LogAssistsInput,
  LogAssistsResultType,
  SetHouseholdCountInput,
} from './assists.types';

@Resolver(() => AssistEntryType)
export class AssistEntryResolver {
  constructor(
    private readonly log: AssistLogService,
    private readonly corrections: AssistCorrectionService,
    private readonly queries: AssistQueryService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => AssistEntryConnection, { description: 'Assistance entries in your scope, newest first (first ≤ 100)' })
  @Allow(Permission.ReadAssists)
  async assistEntries(@Args() args: AssistEntriesArgs, @Scope() scope: DataScope) {
    return toConnection(await this.queries.list(scope, args.filter ?? {}, { first: args.first, after: args.after }));
  }

  @Query(() => AssistEntryType)
  @Allow(Permission.ReadAssists, on.assistEntry())
  assistEntry(@Args('id', { type: () => UUID }) id: string): Promise<AssistEntry> {
    return this.queries.entry(id);
  }

  @Query(() => [String], { description: 'Which of these client ids are stored (offline sync: what is still to send). At most 500' })
  @Allow(Permission.LogAssists)
  assistClientIds(@Args('clientIds', { type: () => [String] }) clientIds: string[], @Scope() scope: DataScope): Promise<string[]> {
    return this.queries.storedClientIds(scope, clientIds);
  }

  @Mutation(() => LogAssistsResultType, {
    description: 'Offline sync: up to 500 entries of one group. Re-sending is harmless; each entry is created, already stored, or rejected with its reasons',
  })
  @Allow(Permission.LogAssists, on.group('input.groupId'))
  logAssists(@Args('input') input: LogAssistsInput, @CurrentActor() actor: Actor): Promise<BatchResult> {
    return this.log.log(actor, input.groupId, input.entries);
  }

  @Mutation(() => AssistEntryType, { description: 'Correct an entry (a new version, audited; verification must be given again)' })
  @Allow(Permission.LogAssists, on.assistEntry())
  amendAssistEntry(
    @Args('id', { type: () => UUID }) id: string,
    @Args('input') input: AmendAssistEntryInput,
    @CurrentActor() actor: Actor,
  ): Promise<AssistEntry> {
    return this.corrections.amend(actor, id, input);
  }

  @Mutation(() => AssistEntryType, { description: 'Void an entry with a reason: kept for the record, no longer counted' })
  @Allow(Permission.LogAssists, on.assistEntry())
  voidAssistEntry(@Args('id', { type: () => UUID }) id: string, @Args('reason') reason: string, @CurrentActor() actor: Actor): Promise<AssistEntry> {
    return this.corrections.void(actor, id, reason);
  }

  @Mutation(() => [AssistEntryType], { description: 'Verify (or, with verified: false, un-verify) up to 500 entries in your scope' })
  @Allow(Permission.VerifyAssists, on.assistEntries())
  verifyAssistEntries(
    @Args('ids', { type: () => [UUID] }) ids: string[],
    @CurrentActor() actor: Actor,
    @Scope() scope: DataScope,
    @Args('verified', { type: () => Boolean, defaultValue: true }) verified: boolean,
  ): Promise<AssistEntry[]> {
    return this.corrections.verify(actor, scope, ids, verified);
  }

  @ResolveField(() => AdminUnitType)
  unit(@Parent() entry: AssistEntry, @Context() ctx: GraphqlContext): Promise<AdminUnit | null> {
    return this.loaders.of(ctx).unit.load(entry.unitId);
  }

  @ResolveField(() => GroupType, { nullable: true, description: 'Null when the group is outside your directory scope' })
  group(@Parent() entry: AssistEntry, @Context() ctx: GraphqlContext): Promise<VolunteerGroup | null> {
    return this.loaders.of(ctx).group.load(entry.groupId);
  }

  @ResolveField(() => HouseholdType)
  household(@Parent() entry: AssistEntry, @Context() ctx: GraphqlContext): Promise<Household | null> {
    return this.loaders.of(ctx).household.load(entry.householdId);
  }

  @ResolveField(() => [MemberType], { description: 'The members who helped (those in your directory scope)' })
  async volunteers(@Parent() entry: AssistEntry, @Context() ctx: GraphqlContext): Promise<Member[]> {
    const members = await this.loaders.of(ctx).visibleMember.loadMany(entry.volunteerIds);
    return members.filter((m): m is Member => !!m && !(m instanceof Error));
  }

  @ResolveField(() => Boolean)
  verified(@Parent() entry: AssistEntry): boolean {
    return !!entry.verifiedAt;
  }

  @ResolveField(() => [AuditEventType], { description: 'Corrections and verifications, newest first' })
  history(@Parent() entry: AssistEntry): Promise<AuditEvent[]> {
    return this.queries.history(entry.id);
  }
}

@Resolver(() => FollowUpType)
export class FollowUpResolver {
  constructor(
    private readonly queries: AssistQueryService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => FollowUpConnection, {
    description:
      'The follow-up worklist of a group: households it marked FOLLOW_UP for a service until a later entry by any group (same household key) settles it; longest waiting first',
  })
  @Allow(Permission.LogAssists, on.group('groupId'))
  async followUps(@Args() args: FollowUpsArgs) {
    return toConnection(await this.queries.followUpsOf(args.groupId, { first: args.first, after: args.after }));
  }

  @ResolveField(() => HouseholdType)
  household(@Parent() row: FollowUpHousehold, @Context() ctx: GraphqlContext): Promise<Household | null> {
    return this.loaders.of(ctx).household.load(row.householdId);
  }

  @ResolveField(() => AdminUnitType, { description: 'Where the household lives (the unit of its latest open entry)' })
  unit(@Parent() row: FollowUpHousehold, @Context() ctx: GraphqlContext): Promise<AdminUnit | null> {
    return this.loaders.of(ctx).unit.load(row.unitId);
  }
}

@Resolver(() => HouseholdCountType)
export class HouseholdCountResolver {
  constructor(
    private readonly counts: HouseholdCountService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => [HouseholdCountType], { description: 'The latest household count (as of asOf) of each unit in the subtree of unitCode, within your scope' })
  @Allow(Permission.ManageHouseholdCounts)
  householdCounts(@Args('unitCode') unitCode: string, @Scope() scope: DataScope, @Args('asOf', { type: () => String, nullable: true }) asOf?: string | null) {
    return this.counts.list(scope, unitCode, asOf);
  }

  @Mutation(() => HouseholdCountType, { description: 'Set the household count of a residential group or commune as of a day' })
  @Allow(Permission.ManageHouseholdCounts, on.unit('input.unitId'))
  setHouseholdCount(@Args('input') input: SetHouseholdCountInput, @CurrentActor() actor: Actor) {
    return this.counts.set(actor, input.unitId, input.asOf, input.households);
  }

  @Mutation(() => ImportReportType, { description: 'Import household counts (CSV unit_code,as_of,households); rows outside your scope are refused row by row' })
  @Allow(Permission.ManageHouseholdCounts)
  importHouseholdCounts(@Args('input') input: ImportHouseholdCountsInput, @CurrentActor() actor: Actor, @Scope() scope: DataScope) {
    return this.counts.import(actor, scope, input.csv);
  }

  @ResolveField(() => AdminUnitType)
  unit(@Parent() row: { unitId: string }, @Context() ctx: GraphqlContext): Promise<AdminUnit | null> {
    return this.loaders.of(ctx).unit.load(row.unitId);
  }
}

export const AssistResolvers = [AssistEntryResolver, FollowUpResolver, HouseholdCountResolver];
