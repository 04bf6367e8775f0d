import { ArgsType, Field, Float, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { IsDateText, IsTimeText } from '../graphql/formats';
import { UUID } from '../graphql/uuid.scalar';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsInt, IsNumber, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { AssignmentRole, SessionAudience, SessionStatus } from '@cdtg/sessions';
import { PageArgs } from '../common/connection';

const TIME_DESCRIPTION = 'Vietnam time written 2026-12-05T08:00 (Asia/Ho_Chi_Minh), or full ISO 8601 with an offset (2026-12-05T01:00:00Z)';

@InputType()
export class PlanSessionInput {
  @Field(() => UUID, { description: 'The group that runs the session' })
  @IsUUID()
  groupId: string;

  @Field(() => UUID, { description: "Where it is held: a commune, special zone or residential group of the group's commune, in force on the day" })
  @IsUUID()
  unitId: string;

  @Field()
  @IsString()
  @MaxLength(200)
  title: string;

  @Field(() => [String], { description: 'Topic codes (see trainingTopics)' })
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  topics: string[];

  @Field({ description: TIME_DESCRIPTION })
  @IsTimeText()
  startsAt: string;

  @Field({ description: TIME_DESCRIPTION })
  @IsTimeText()
  endsAt: string;

  @Field({ description: 'Free text: the venue and address' })
  @IsString()
  @MaxLength(300)
  place: string;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsNumber()
  latitude?: number | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsNumber()
  longitude?: number | null;

  @Field(() => Int, { description: 'Participants the place holds' })
  @IsInt()
  @Min(1)
  @Max(10_000)
  capacity: number;

  @Field(() => Int, { nullable: true, defaultValue: 1, description: 'Trainers wanted' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  trainerSlots?: number | null;

  @Field(() => [SessionAudience], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsEnum(SessionAudience, { each: true })
  audience?: SessionAudience[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string | null;
}

@InputType()
export class UpdateSessionDetailsInput {
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) title?: string | null;
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) topics?: string[] | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(10_000) capacity?: number | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(20) trainerSlots?: number | null;
  @Field(() => [SessionAudience], { nullable: true }) @IsOptional() @IsArray() @IsEnum(SessionAudience, { each: true }) audience?: SessionAudience[] | null;
  @Field(() => String, { nullable: true, description: 'null clears the notes' }) @IsOptional() @IsString() @MaxLength(2000) notes?: string | null;
}

@InputType({ description: 'A new time and/or place. A new start alone keeps the duration; a new place without coordinates clears them' })
export class RescheduleSessionInput {
  @Field(() => String, { nullable: true, description: TIME_DESCRIPTION }) @IsOptional() @IsTimeText() startsAt?: string | null;
  @Field(() => String, { nullable: true, description: TIME_DESCRIPTION }) @IsOptional() @IsTimeText() endsAt?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(300) place?: string | null;
  @Field(() => UUID, { nullable: true }) @IsOptional() @IsUUID() unitId?: string | null;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() latitude?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() longitude?: number | null;
  @Field(() => String, { nullable: true, description: 'Why: shown in the notice and kept in the history' }) @IsOptional() @IsString() @MaxLength(500) reason?:
    string | null;
}

@InputType()
export class PracticalStepInput {
  @Field({ description: 'A topic code of the session' })
  @IsString()
  @MaxLength(40)
  topic: string;

  @Field(() => Int)
  @IsInt()
  @Min(0)
  completed: number;
}

@InputType({ description: 'Participants by gender and age band; total defaults to their sum (more: people whose gender or age was not noted)' })
export class AttendanceInput {
  @Field(() => Int) @IsInt() @Min(0) femaleUnder35: number;
  @Field(() => Int) @IsInt() @Min(0) female35To59: number;
  @Field(() => Int) @IsInt() @Min(0) female60Plus: number;
  @Field(() => Int) @IsInt() @Min(0) maleUnder35: number;
  @Field(() => Int) @IsInt() @Min(0) male35To59: number;
  @Field(() => Int) @IsInt() @Min(0) male60Plus: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) total?: number | null;

  @Field(() => [PracticalStepInput], { nullable: true, description: 'Per topic: participants who completed its practical step' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PracticalStepInput)
  practicalSteps?: PracticalStepInput[] | null;

  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) note?: string | null;

  @Field(() => UUID, {
    nullable: true,
    description: 'Made by the phone when the attendance is written (offline sync): sending the same attendance again changes nothing',
  })
  @IsOptional()
  @IsUUID()
  clientId?: string | null;
}

@InputType()
export class AssignMemberInput {
  @Field(() => UUID) @IsUUID() sessionId: string;
  @Field(() => UUID) @IsUUID() memberId: string;
  @Field(() => AssignmentRole) @IsEnum(AssignmentRole) role: AssignmentRole;
}

@InputType()
export class AssignmentResponseInput {
  @Field(() => UUID) @IsUUID() assignmentId: string;
  @Field() @IsBoolean() accept: boolean;
  @Field(() => String, { nullable: true, description: 'Required to decline' }) @IsOptional() @IsString() @MaxLength(500) reason?: string | null;
}

@InputType()
export class SessionFilter {
  @Field(() => String, { nullable: true, description: 'Sessions held in this unit and its subtree (as of asOf), old units included' })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  unitCode?: string | null;

  @Field(() => String, { nullable: true }) @IsOptional() @IsDateText() asOf?: string | null;
  @Field(() => UUID, { nullable: true }) @IsOptional() @IsUUID() groupId?: string | null;
  @Field(() => String, { nullable: true, description: 'First day (YYYY-MM-DD, Vietnam) of the start' }) @IsOptional() @IsDateText() from?: string | null;
  @Field(() => String, { nullable: true, description: 'Last day (YYYY-MM-DD, Vietnam) of the start, inclusive' })
  @IsOptional()
  @IsDateText()
  to?: string | null;
  @Field(() => String, { nullable: true, description: 'A topic code' }) @IsOptional() @IsString() @MaxLength(40) topic?: string | null;
  @Field(() => SessionStatus, { nullable: true }) @IsOptional() @IsEnum(SessionStatus) status?: SessionStatus | null;
  @Field(() => String, { nullable: true, description: 'Title contains; ignores diacritics and case' }) @IsOptional() @IsString() @MaxLength(100) search?:
    string | null;
  @Field(() => Boolean, { nullable: true, description: 'true: planned sessions that have ended (attendance to log)' })
  @IsOptional()
  @IsBoolean()
  attendanceDue?: boolean | null;
}

export enum SessionSort {
  SOONEST_FIRST = 'soonest',
  LATEST_FIRST = 'latest',
}
registerEnumType(SessionSort, { name: 'SessionSort', description: 'By start time' });

@ArgsType()
export class SessionsArgs extends PageArgs {
  @Field(() => SessionFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => SessionFilter)
  filter?: SessionFilter | null;

  @Field(() => SessionSort, { defaultValue: SessionSort.SOONEST_FIRST })
  @IsEnum(SessionSort)
  sort: SessionSort = SessionSort.SOONEST_FIRST;
}

@ArgsType()
export class AgendaArgs {
  @Field(() => String, { nullable: true, description: 'First day (YYYY-MM-DD, Vietnam); default today' }) @IsOptional() @IsDateText() from?: string | null;
  @Field(() => String, { nullable: true, description: 'Last day, inclusive; default 30 days after from' }) @IsOptional() @IsDateText() to?: string | null;
}

@ArgsType()
export class SuggestionsArgs {
  @Field(() => UUID) @IsUUID() sessionId: string;
  @Field(() => Int, { defaultValue: 10, description: 'At most 50' }) @IsInt() @Min(1) @Max(50) first: number = 10;
}
