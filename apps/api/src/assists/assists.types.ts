import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import GraphQLJSON from 'graphql-type-json';
import type { FieldProblem, ReasonParams } from '@cdtg/errors';
import { Reason } from '../graphql/error-reason';
import { IsDateText } from '../graphql/formats';
import { UUID } from '../graphql/uuid.scalar';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { AssistOutcome, AssistService, EntryOutcome, EntryStatus, FollowUpReason, HouseholdKeyKind, MAX_BATCH } from '@cdtg/assists';
import { Connection, PageArgs } from '../common/connection';

registerEnumType(AssistService, { name: 'AssistService', description: 'The services volunteers help households with' });
registerEnumType(AssistOutcome, { name: 'AssistOutcome' });
registerEnumType(FollowUpReason, { name: 'FollowUpReason' });
registerEnumType(EntryStatus, { name: 'EntryStatus' });
registerEnumType(EntryOutcome, { name: 'EntryOutcome', description: 'What happened to one entry of a synced batch' });
registerEnumType(HouseholdKeyKind, { name: 'HouseholdKeyKind' });

const TIME_DESCRIPTION = 'Local time in Asia/Ho_Chi_Minh ("2026-11-20T09:30") or ISO 8601 with Z or an offset';

@ObjectType('ServiceOutcome')
export class ServiceOutcomeType {
  @Field(() => AssistService)
  service: AssistService;

  @Field(() => AssistOutcome)
  outcome: AssistOutcome;

  @Field(() => FollowUpReason, { nullable: true })
  reason: FollowUpReason | null;
}

@ObjectType('Household', { description: 'A household helped; its identifier is never stored, only keyed hashes and a masked label' })
export class HouseholdType {
  @Field(() => ID)
  id: string;

  @Field(() => HouseholdKeyKind)
  kind: HouseholdKeyKind;

  @Field({ description: 'e.g. "Ng… V… A…, tổ 12"' })
  maskedLabel: string;
}

@ObjectType('AssistEntry', { description: 'Volunteers of a group helped one household with one or more services' })
export class AssistEntryType {
  @Field(() => ID)
  id: string;

  @Field({ description: 'The id the client made for the entry (offline sync)' })
  clientId: string;

  @Field(() => [ServiceOutcomeType])
  services: ServiceOutcomeType[];

  @Field({ description: 'When the visit happened (UTC)' })
  occurredAt: Date;

  @Field({ description: 'The day of the visit in Asia/Ho_Chi_Minh' })
  occurredOn: string;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field(() => EntryStatus)
  status: EntryStatus;

  @Field(() => String, { nullable: true })
  voidReason: string | null;

  @Field(() => Date, { nullable: true })
  verifiedAt: Date | null;

  @Field(() => Int, { description: '1 when logged; each amendment adds one' })
  version: number;

  @Field(() => ID, { nullable: true, description: 'The training session, if the help happened at one' })
  sessionId: string | null;

  @Field()
  createdAt: Date;

  unitId: string;
  groupId: string;
  householdId: string;
  volunteerIds: string[];
}

export const AssistEntryConnection = Connection(AssistEntryType, 'AssistEntry');

@ObjectType('OpenFollowUp', { description: 'A service of a household still waiting for a follow-up visit' })
export class OpenFollowUpType {
  @Field(() => AssistService)
  service: AssistService;

  @Field(() => FollowUpReason, { description: 'Why, as the latest entry for this service gave it' })
  reason: FollowUpReason;

  @Field({ description: 'The day (Asia/Ho_Chi_Minh) of the entry that left it open' })
  markedOn: string;

  @Field({ description: 'True when that entry was logged by another group' })
  byOtherGroup: boolean;
}

@ObjectType('FollowUp', { description: "A household on a group's follow-up worklist" })
export class FollowUpType {
  @Field(() => ID, { description: "The household's id" })
  id: string;

  @Field(() => [OpenFollowUpType], { description: 'The services still open' })
  services: OpenFollowUpType[];

  @Field({ description: 'The day of the oldest entry that left a service open (untouched longest first: the worklist is ordered by it)' })
  waitingSince: string;

  @Field({ description: 'The day of the latest visit by any group' })
  lastVisitOn: string;

  householdId: string;
  unitId: string;
}

export const FollowUpConnection = Connection(FollowUpType, 'FollowUp');

@ArgsType()
export class FollowUpsArgs extends PageArgs {
  @Field(() => UUID)
  @IsUUID()
  groupId: string;
}

@ObjectType('FieldProblem', { description: 'One bad field: its path in the input and why' })
export class FieldProblemType {
  @Field(() => [String], { description: 'e.g. ["input", "entries", "3", "note"]' })
  path: string[];

  @Field({ description: 'The reason in English (for logs and API users; clients translate `reason`)' })
  message: string;

  @Field(() => Reason, { description: 'Why, for clients to translate', middleware: [({ source }) => (source as FieldProblem).reason ?? Reason.Invalid] })
  reason: Reason;

  @Field(() => GraphQLJSON, { nullable: true, description: "The reason's parameters (numbers, dates, names), e.g. { max: 1000 }" })
  params?: ReasonParams;
}

@ObjectType('EntryResult')
export class EntryResultType {
  @Field()
  clientId: string;

  @Field(() => EntryOutcome)
  outcome: EntryOutcome;

  @Field(() => ID, { nullable: true, description: 'The stored entry (created now or before)' })
  entryId: string | null;

  @Field(() => [FieldProblemType], { description: 'Why the entry was rejected' })
  problems: FieldProblemType[];
}

@ObjectType('LogAssistsResult')
export class LogAssistsResultType {
  @Field(() => [EntryResultType], { description: 'One result per entry sent, in order' })
  entries: EntryResultType[];

  @Field(() => Int)
  created: number;

  @Field(() => Int)
  alreadyStored: number;

  @Field(() => Int)
  rejected: number;
}

@ObjectType('HouseholdCount', { description: 'Households of a residential group or commune, as of a day' })
export class HouseholdCountType {
  @Field()
  asOf: string;

  @Field(() => Int)
  households: number;

  @Field()
  updatedBy: string;

  @Field()
  updatedAt: Date;

  unitId: string;
}

/** Entry fields are checked by the service, entry by entry, so that one bad entry does not sink a batch. */
@InputType()
export class HouseholdInput {
  @Field(() => String, { nullable: true, description: 'The household code (mã hộ); or give address and headName' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'House number and street or hamlet, e.g. "K12/5 Lê Lợi, tổ 5"' })
  address?: string | null;

  @Field(() => String, { nullable: true, description: "The head of household's full name" })
  headName?: string | null;
}

@InputType()
export class ServiceOutcomeInput {
  @Field(() => AssistService)
  service: AssistService;

  @Field(() => AssistOutcome)
  outcome: AssistOutcome;

  @Field(() => FollowUpReason, { nullable: true, description: 'Required for a follow-up' })
  reason?: FollowUpReason | null;
}

@InputType()
export class AssistEntryInput {
  @Field({ description: 'Made by the client when the entry is written (a UUID): re-sending the entry is harmless' })
  clientId: string;

  @Field(() => HouseholdInput)
  household: HouseholdInput;

  @Field(() => UUID, { description: 'Where the household lives: a residential group, commune or special zone in force that day' })
  unitId: string;

  @Field(() => [ServiceOutcomeInput])
  services: ServiceOutcomeInput[];

  @Field(() => [UUID], { description: 'Members of the group who helped' })
  volunteerIds: string[];

  @Field(() => UUID, { nullable: true })
  sessionId?: string | null;

  @Field({ description: TIME_DESCRIPTION })
  occurredAt: string;

  @Field(() => String, { nullable: true, description: 'No national ID or phone numbers of citizens (refused)' })
  note?: string | null;
}

@InputType()
export class LogAssistsInput {
  @Field(() => UUID, { description: 'The group whose volunteers helped' })
  @IsUUID()
  groupId: string;

  @Field(() => [AssistEntryInput], { description: `1-${MAX_BATCH} entries` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  entries: AssistEntryInput[];
}

@InputType()
export class AmendAssistEntryInput {
  @Field(() => HouseholdInput, { nullable: true, description: 'Only if the household was wrong' })
  @IsOptional()
  household?: HouseholdInput | null;

  @Field(() => UUID, { nullable: true })
  @IsOptional()
  @IsString()
  unitId?: string | null;

  @Field(() => [ServiceOutcomeInput], { nullable: true })
  @IsOptional()
  @IsArray()
  services?: ServiceOutcomeInput[] | null;

  @Field(() => [UUID], { nullable: true })
  @IsOptional()
  @IsArray()
  volunteerIds?: string[] | null;

  @Field(() => UUID, { nullable: true })
  @IsOptional()
  @IsString()
  sessionId?: string | null;

  @Field(() => String, { nullable: true, description: TIME_DESCRIPTION })
  @IsOptional()
  @IsString()
  occurredAt?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  note?: string | null;

  @Field({ description: 'Why the entry is corrected (kept in its history)' })
  @IsString()
  @MaxLength(500)
  reason: string;
}

@InputType()
export class AssistEntryFilter {
  @Field(() => String, { nullable: true, description: 'Entries in this unit and its subtree (as of asOf), old units included' })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  unitCode?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDateText()
  asOf?: string | null;

  @Field(() => UUID, { nullable: true })
  @IsOptional()
  @IsUUID()
  groupId?: string | null;

  @Field(() => UUID, { nullable: true })
  @IsOptional()
  @IsUUID()
  householdId?: string | null;

  @Field(() => String, { nullable: true, description: 'First day (Asia/Ho_Chi_Minh), inclusive' })
  @IsOptional()
  @IsDateText()
  from?: string | null;

  @Field(() => String, { nullable: true, description: 'Last day, inclusive' })
  @IsOptional()
  @IsDateText()
  to?: string | null;

  @Field(() => AssistService, { nullable: true })
  @IsOptional()
  @IsEnum(AssistService)
  service?: AssistService | null;

  @Field(() => AssistOutcome, { nullable: true })
  @IsOptional()
  @IsEnum(AssistOutcome)
  outcome?: AssistOutcome | null;

  @Field(() => EntryStatus, { nullable: true })
  @IsOptional()
  @IsEnum(EntryStatus)
  status?: EntryStatus | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  verified?: boolean | null;
}

@ArgsType()
export class AssistEntriesArgs extends PageArgs {
  @Field(() => AssistEntryFilter, { nullable: true })
  @IsOptional()
  filter?: AssistEntryFilter | null;
}

@InputType()
export class SetHouseholdCountInput {
  @Field(() => UUID, { description: 'A residential group, commune or special zone' })
  @IsUUID()
  unitId: string;

  @Field({ description: 'The day the figure refers to' })
  @IsDateText()
  asOf: string;

  @Field(() => Int)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  households: number;
}

@InputType()
export class ImportHouseholdCountsInput {
  @Field({ description: 'CSV with columns unit_code,as_of,households (UTF-8, comma or semicolon)' })
  @IsString()
  csv: string;
}
