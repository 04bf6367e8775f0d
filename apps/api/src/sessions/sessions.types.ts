import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AssignmentRole, AssignmentStatus, SessionAudience, SessionStatus } from '@cdtg/sessions';
import { Connection } from '../common/connection';

registerEnumType(SessionStatus, { name: 'SessionStatus', description: 'PLANNED → HELD (attendance logged) or CANCELLED (with a reason)' });
registerEnumType(AssignmentRole, { name: 'AssignmentRole' });
registerEnumType(AssignmentStatus, { name: 'AssignmentStatus', description: 'PENDING → ACCEPTED or DECLINED (by the member); WITHDRAWN (by an officer)' });
registerEnumType(SessionAudience, { name: 'SessionAudience' });

export const LOCAL_TIME_DESCRIPTION = 'Vietnam time (Asia/Ho_Chi_Minh) with its offset, e.g. 2026-12-05T08:00:00+07:00';

@ObjectType('TrainingTopic', { description: 'A topic of the managed catalogue, with the member skill that qualifies someone to teach it' })
export class TrainingTopicType {
  @Field()
  code: string;

  @Field()
  nameVi: string;

  @Field()
  nameEn: string;

  @Field({ description: 'The skill (see the skills query) suggestions match this topic to' })
  skillCode: string;

  @Field({ description: 'What counts as the practical step of the topic in attendance' })
  practicalStepVi: string;

  @Field()
  practicalStepEn: string;
}

@ObjectType('TrainingSession', { description: 'A training session of a group, held in a unit' })
export class TrainingSessionType {
  @Field(() => ID)
  id: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  notes: string | null;

  @Field(() => SessionStatus)
  status: SessionStatus;

  @Field(() => [SessionAudience])
  audience: SessionAudience[];

  @Field(() => Float, { nullable: true })
  latitude: number | null;

  @Field(() => Float, { nullable: true })
  longitude: number | null;

  @Field({ description: 'Free text, e.g. "Nhà văn hóa tổ 5, 12 Lê Duẩn"' })
  place: string;

  @Field(() => Int, { description: 'Participants the place holds' })
  capacity: number;

  @Field(() => Int, { description: 'Trainers wanted; assigning one more is refused' })
  trainerSlots: number;

  @Field(() => Int, { description: 'Schedule version: 1 when planned, +1 at each change of time or place' })
  version: number;

  @Field(() => String, { nullable: true })
  cancelReason: string | null;

  @Field(() => Date, { nullable: true })
  cancelledAt: Date | null;
}

@ObjectType('AgeBands', { description: 'Participants by age band' })
export class AgeBandsType {
  @Field(() => Int)
  under35: number;

  @Field(() => Int, { name: 'from35To59' })
  from35To59: number;

  @Field(() => Int, { name: 'age60Plus' })
  age60Plus: number;
}

@ObjectType('PracticalStepCount')
export class PracticalStepCountType {
  @Field()
  topicCode: string;

  @Field(() => Int, { description: "Participants who completed the topic's practical step (e.g. VNeID activated on the spot)" })
  completed: number;
}

@ObjectType('Attendance', { description: 'Who took part, logged by the lead after the session (changes are audited)' })
export class AttendanceType {
  @Field(() => AgeBandsType)
  female: AgeBandsType;

  @Field(() => AgeBandsType)
  male: AgeBandsType;

  @Field(() => Int, { description: 'Everyone who took part' })
  total: number;

  @Field(() => Int, { description: 'Participants whose gender or age was not noted (total minus the six cells)' })
  unclassified: number;

  @Field(() => [PracticalStepCountType])
  practicalSteps: PracticalStepCountType[];

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field(() => Date)
  loggedAt: Date;
}

@ObjectType('SessionScheduleVersion', { description: "One version of a session's time and place" })
export class SessionScheduleType {
  @Field(() => Int)
  version: number;

  @Field({ description: LOCAL_TIME_DESCRIPTION })
  startsAt: string;

  @Field({ description: LOCAL_TIME_DESCRIPTION })
  endsAt: string;

  unitId: string;

  @Field(() => String, { nullable: true, description: 'Why it changed (empty for version 1)' })
  reason: string | null;

  @Field()
  place: string;

  @Field(() => Date)
  changedAt: Date;
}

@ObjectType('Assignment', { description: 'A member assigned to a session with a role' })
export class AssignmentType {
  @Field(() => ID)
  id: string;

  @Field(() => AssignmentRole)
  role: AssignmentRole;

  @Field(() => AssignmentStatus)
  status: AssignmentStatus;

  @Field(() => String, { nullable: true, description: 'Why it was declined or withdrawn' })
  reason: string | null;

  @Field(() => Date, { nullable: true })
  respondedAt: Date | null;

  @Field(() => Date)
  assignedAt: Date;
}

@ObjectType('AssignmentSuggestion', { description: 'A member who could be assigned, with each part of the score and its reason' })
export class AssignmentSuggestionType {
  @Field(() => Float, { description: 'skillPoints + localityPoints + fairnessPoints (0-100)' })
  score: number;

  @Field(() => Float, { description: "50 × the session's topic skills the member has / the topic skills it needs" })
  skillPoints: number;

  @Field(() => Float, { description: "30 when the member's group organises the session or serves the unit it is held in, else 10 (same commune)" })
  localityPoints: number;

  @Field(() => Float, { description: '20 / (1 + pending or accepted assignments made in the last 30 days)' })
  fairnessPoints: number;

  @Field(() => [String])
  requiredSkills: string[];

  @Field(() => [String])
  matchedSkills: string[];

  @Field()
  sameGroup: boolean;

  @Field()
  sameUnit: boolean;

  @Field(() => Int)
  recentAssignments: number;

  memberId: string;
}

@ObjectType('MyAgenda', { description: "The signed-in volunteer's sessions and links" })
export class MyAgendaType {
  @Field(() => String, {
    nullable: true,
    description: "Your personal iCalendar feed (a signed link; subscribe to it from your phone's calendar). Null when your account is not a member",
  })
  calendarFeedUrl: string | null;

  @Field({ description: "Whether you get the Monday e-mail with the week's sessions" })
  weeklyAgendaSubscribed: boolean;

  @Field(() => [AssignmentType], { description: 'Your pending and accepted assignments in the period, by start' })
  assignments: AssignmentType[];

  memberId: string | null;
}

export const SessionConnection = Connection(TrainingSessionType, 'TrainingSession');
