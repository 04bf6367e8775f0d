import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { UUID } from '../graphql/uuid.scalar';
import { Actor, DataScope, Permission } from '@cdtg/access';
import { Member, VolunteerGroup } from '@cdtg/directory';
import { AdminUnit } from '@cdtg/geography';
import { Language } from '@cdtg/notifications';
import {
  AgendaService,
  AssignmentService,
  AttendanceService,
  explainSuggestion,
  MyAgenda,
  SessionAssignment,
  SessionService,
  Suggestion,
  TrainingSession,
  TrainingTopic,
  TrainingTopicService,
} from '@cdtg/sessions';
import { formatVietnamTime } from '@cdtg/time';
import { Allow, CurrentActor, Scope, SignedIn } from '../access/access.decorators';
import { on } from '../access/targets';
import { toConnection } from '../common/connection';
import { GraphqlContext, LoaderFactory } from '../common/loaders';
import { AdminUnitType, GroupType, MemberType } from '../directory/directory.types';
import {
  AgendaArgs,
  AssignmentResponseInput,
  AssignMemberInput,
  AttendanceInput,
  PlanSessionInput,
  RescheduleSessionInput,
  SessionsArgs,
  SuggestionsArgs,
  UpdateSessionDetailsInput,
} from './sessions.inputs';
import {
  AssignmentSuggestionType,
  AssignmentType,
  AttendanceType,
  LOCAL_TIME_DESCRIPTION,
  MyAgendaType,
  SessionConnection,
  SessionScheduleType,
  TrainingSessionType,
  TrainingTopicType,
} from './sessions.types';

type Ctx = GraphqlContext;

@Resolver(() => TrainingSessionType)
export class SessionResolver {
  constructor(
    private readonly sessionService: SessionService,
    private readonly attendanceService: AttendanceService,
    private readonly topicService: TrainingTopicService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => [TrainingTopicType], { description: 'The training-topic catalogue' })
  @Allow(Permission.ReadReference)
  trainingTopics(): Promise<TrainingTopic[]> {
    return this.topicService.all();
  }

  @Query(() => SessionConnection, {
    description: 'Sessions in your scope (held in your units or run by your groups), filtered, by start, with cursor pagination (first ≤ 100)',
  })
  @Allow(Permission.ReadSessions)
  async sessions(@Args() args: SessionsArgs, @Scope() scope: DataScope) {
    return toConnection(await this.sessionService.list(scope, { ...args.filter, sort: args.sort }, { first: args.first, after: args.after }));
  }

  @Query(() => TrainingSessionType)
  @Allow(Permission.ReadSessions, on.session())
  session(@Args('id', { type: () => UUID }) id: string): Promise<TrainingSession> {
    return this.sessionService.session(id);
  }

  @Mutation(() => TrainingSessionType, {
    description: 'Plan a session of a group (start in the future; at most 12 hours long). Its members get a reminder 24 hours before once assigned',
  })
  @Allow(Permission.ManageSessions, on.group('input.groupId'), on.sessionPlace('input.unitId', { groupArg: 'input.groupId' }))
  planSession(@Args('input') input: PlanSessionInput, @CurrentActor() actor: Actor): Promise<TrainingSession> {
    return this.sessionService.plan(actor, input);
  }

  @Mutation(() => TrainingSessionType, { description: 'Title, topics, capacity, trainer slots, audience, notes of a planned session (no notices)' })
  @Allow(Permission.ManageSessions, on.session())
  updateSessionDetails(
    @Args('id', { type: () => UUID }) id: string,
    @Args('input') input: UpdateSessionDetailsInput,
    @CurrentActor() actor: Actor,
  ): Promise<TrainingSession> {
    return this.sessionService.updateDetails(actor, id, input);
  }

  @Mutation(() => TrainingSessionType, { description: 'A new time and/or place: history kept, one notice per assigned member, the reminder moved' })
  @Allow(Permission.ManageSessions, on.session(), on.sessionPlace('input.unitId', { sessionArg: 'id' }))
  rescheduleSession(
    @Args('id', { type: () => UUID }) id: string,
    @Args('input') input: RescheduleSessionInput,
    @CurrentActor() actor: Actor,
  ): Promise<TrainingSession> {
    return this.sessionService.reschedule(actor, id, input);
  }

  @Mutation(() => TrainingSessionType, { description: 'Cancel a planned session with a reason: a notice to each assigned member, no reminder. Final' })
  @Allow(Permission.ManageSessions, on.session())
  cancelSession(@Args('id', { type: () => UUID }) id: string, @Args('reason') reason: string, @CurrentActor() actor: Actor): Promise<TrainingSession> {
    return this.sessionService.cancel(actor, id, reason);
  }

  @Mutation(() => TrainingSessionType, { description: 'Log attendance once the session has started (planned → held), or correct it (audited)' })
  @Allow(Permission.ManageSessions, on.session('sessionId'))
  logAttendance(
    @Args('sessionId', { type: () => UUID }) sessionId: string,
    @Args('input') input: AttendanceInput,
    @CurrentActor() actor: Actor,
  ): Promise<TrainingSession> {
    return this.attendanceService.log(actor, sessionId, input);
  }

  @ResolveField(() => String, { description: LOCAL_TIME_DESCRIPTION })
  startsAt(@Parent() session: TrainingSession): string {
    return formatVietnamTime(session.startsAt);
  }

  @ResolveField(() => String, { description: LOCAL_TIME_DESCRIPTION })
  endsAt(@Parent() session: TrainingSession): string {
    return formatVietnamTime(session.endsAt);
  }

  @ResolveField(() => AdminUnitType, { description: 'Where it is held' })
  unit(@Parent() session: TrainingSession, @Context() ctx: Ctx): Promise<AdminUnit | null> {
    return this.loaders.of(ctx).unit.load(session.unitId);
  }

  @ResolveField(() => GroupType, { nullable: true, description: 'The organising group; null when it is outside your directory scope (see groupName)' })
  group(@Parent() session: TrainingSession, @Context() ctx: Ctx): Promise<VolunteerGroup | null> {
    return this.loaders.of(ctx).group.load(session.groupId);
  }

  @ResolveField(() => String, { description: 'The name of the organising group' })
  async groupName(@Parent() session: TrainingSession, @Context() ctx: Ctx): Promise<string> {
    return (await this.loaders.of(ctx).groupName.load(session.groupId)) ?? '';
  }

  @ResolveField(() => [TrainingTopicType])
  async topics(@Parent() session: TrainingSession, @Context() ctx: Ctx): Promise<TrainingTopic[]> {
    return (await this.loaders.of(ctx).topic.loadMany(session.topics)).filter((t): t is TrainingTopic => !!t && !(t instanceof Error));
  }

  @ResolveField(() => AttendanceType, { nullable: true, description: 'Null until the attendance is logged' })
  attendance(@Parent() s: TrainingSession): AttendanceType | null {
    if (s.participantsTotal === null || !s.attendanceLoggedAt) return null;
    const cells = [s.femaleUnder35, s.female35To59, s.female60Plus, s.maleUnder35, s.male35To59, s.male60Plus].map((n) => n ?? 0);
    return {
      female: { under35: cells[0], from35To59: cells[1], age60Plus: cells[2] },
      male: { under35: cells[3], from35To59: cells[4], age60Plus: cells[5] },
      total: s.participantsTotal,
      unclassified: s.participantsTotal - cells.reduce((a, b) => a + b, 0),
      practicalSteps: Object.entries(s.practicalCompletions ?? {}).map(([topicCode, completed]) => ({ topicCode, completed })),
      note: s.attendanceNote,
      loggedAt: s.attendanceLoggedAt,
    };
  }

  @ResolveField(() => Boolean, { description: 'PLANNED and ended: attendance should be logged (or the session cancelled)' })
  attendanceDue(@Parent() session: TrainingSession): boolean {
    return this.sessionService.attendanceDue(session);
  }

  @ResolveField(() => [AssignmentType], { description: 'Every assignment (any status); only your own on sessions outside your scope' })
  assignments(@Parent() session: TrainingSession, @Context() ctx: Ctx): Promise<SessionAssignment[]> {
    return this.loaders.of(ctx).sessionAssignments.load(session.id);
  }

  @ResolveField(() => [SessionScheduleType], { description: 'Every version of its time and place, newest first' })
  async history(@Parent() session: TrainingSession, @Context() ctx: Ctx) {
    const versions = await this.loaders.of(ctx).sessionSchedules.load(session.id);
    return versions.map((v) => ({ ...v, startsAt: formatVietnamTime(v.startsAt), endsAt: formatVietnamTime(v.endsAt) }));
  }
}

@Resolver(() => SessionScheduleType)
export class SessionScheduleResolver {
  constructor(private readonly loaders: LoaderFactory) {}

  @ResolveField(() => AdminUnitType)
  unit(@Parent() version: SessionScheduleType, @Context() ctx: Ctx): Promise<AdminUnit | null> {
    return this.loaders.of(ctx).unit.load(version.unitId);
  }
}

@Resolver(() => AssignmentType)
export class AssignmentResolver {
  constructor(
    private readonly assignments: AssignmentService,
    private readonly agenda: AgendaService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => [AssignmentType], { description: "A member's pending and accepted assignments on sessions in your scope, by start" })
  @Allow(Permission.ReadSessions, on.member('memberId'))
  memberAgenda(@Args('memberId', { type: () => UUID }) memberId: string, @Args() args: AgendaArgs, @Scope() scope: DataScope): Promise<SessionAssignment[]> {
    return this.agenda.memberAgenda(scope, memberId, args.from, args.to);
  }

  @Mutation(() => AssignmentType, {
    description:
      'Assign a member to a planned session (they get an e-mail with the .ics). Refused: overlapping sessions, trainer slots full, an inactive member',
  })
  @Allow(Permission.AssignMembers, on.session('input.sessionId'), on.member('input.memberId'))
  assignMember(@Args('input') input: AssignMemberInput, @CurrentActor() actor: Actor): Promise<SessionAssignment> {
    return this.assignments.assign(actor, input);
  }

  @Mutation(() => AssignmentType, { description: 'Take a member off a planned session (they get a notice)' })
  @Allow(Permission.AssignMembers, on.assignment())
  withdrawAssignment(
    @Args('id', { type: () => UUID }) id: string,
    @CurrentActor() actor: Actor,
    @Args('reason', { type: () => String, nullable: true }) reason?: string | null,
  ): Promise<SessionAssignment> {
    return this.assignments.withdraw(actor, id, reason);
  }

  @Mutation(() => AssignmentType, { description: "Record a member's answer given in person or by phone (members without an account)" })
  @Allow(Permission.AssignMembers, on.assignment('input.assignmentId'))
  recordAssignmentResponse(@Args('input') input: AssignmentResponseInput, @CurrentActor() actor: Actor): Promise<SessionAssignment> {
    return this.assignments.respond(actor, input.assignmentId, input);
  }

  @Mutation(() => AssignmentType, { description: 'Accept or decline (with a reason) one of your own assignments' })
  @SignedIn()
  respondToAssignment(@Args('input') input: AssignmentResponseInput, @CurrentActor() actor: Actor): Promise<SessionAssignment> {
    return this.assignments.respondAsMember(actor, input.assignmentId, input);
  }

  @ResolveField(() => TrainingSessionType)
  async session(@Parent() assignment: SessionAssignment, @Context() ctx: Ctx): Promise<TrainingSession> {
    return (await this.loaders.of(ctx).session.load(assignment.sessionId))!;
  }

  @ResolveField(() => String, { description: "The member's name (always shown to whoever sees the assignment)" })
  async memberName(@Parent() assignment: SessionAssignment, @Context() ctx: Ctx): Promise<string> {
    return (await this.loaders.of(ctx).member.load(assignment.memberId))?.fullName ?? '';
  }

  @ResolveField(() => MemberType, { nullable: true, description: 'The member record; null when the member is outside your directory scope' })
  member(@Parent() assignment: SessionAssignment, @Context() ctx: Ctx): Promise<Member | null> {
    return this.loaders.of(ctx).visibleMember.load(assignment.memberId);
  }
}

@Resolver(() => AssignmentSuggestionType)
export class SuggestionResolver {
  constructor(
    private readonly assignments: AssignmentService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => [AssignmentSuggestionType], {
    description: 'Members to assign, best first: skills for the topics, nearness, fewest recent assignments (see each part of the score)',
  })
  @Allow(Permission.AssignMembers, on.session('sessionId'))
  sessionSuggestions(@Args() args: SuggestionsArgs, @Scope() scope: DataScope): Promise<Suggestion[]> {
    return this.assignments.suggestions(scope, args.sessionId, args.first);
  }

  @ResolveField(() => MemberType)
  async member(@Parent() suggestion: Suggestion, @Context() ctx: Ctx): Promise<Member> {
    return (await this.loaders.of(ctx).member.load(suggestion.memberId))!;
  }

  @ResolveField(() => String, { description: 'Each part of the score with its reason, in a language' })
  explanation(@Parent() suggestion: Suggestion, @Args('language', { type: () => Language, defaultValue: Language.vi }) language: Language): string {
    return explainSuggestion(suggestion, language);
  }
}

@Resolver(() => MyAgendaType)
export class MyAgendaResolver {
  constructor(
    private readonly agenda: AgendaService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => MyAgendaType, { description: "Your own assignments (as a volunteer: your account's member), your calendar feed and your weekly e-mail choice" })
  @SignedIn()
  myAgenda(@CurrentActor() actor: Actor, @Args() args: AgendaArgs): Promise<MyAgenda> {
    return this.agenda.myAgenda(actor.userId, args.from, args.to);
  }

  @ResolveField(() => MemberType, { nullable: true, description: 'Your member record' })
  async member(@Parent() agenda: MyAgenda, @Context() ctx: Ctx): Promise<Member | null> {
    return agenda.memberId ? this.loaders.of(ctx).member.load(agenda.memberId) : null;
  }
}

export const SessionResolvers = [SessionResolver, SessionScheduleResolver, AssignmentResolver, SuggestionResolver, MyAgendaResolver];
