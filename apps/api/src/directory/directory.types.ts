import { ArgsType, Field, ID, InputType, Int, ObjectType, OmitType, PartialType, registerEnumType } from '@nestjs/graphql';
import { IsDateText } from '../graphql/formats';
import { UUID } from '../graphql/uuid.scalar';
import { ArrayMaxSize, IsArray, IsEnum, IsOptional, IsString, IsUUID, MaxLength, Min, Max, IsInt, IsBoolean } from 'class-validator';
import GraphQLJSON from 'graphql-type-json';
import type { ReasonParams } from '@cdtg/errors';
import { Affiliation, DirectoryImport, DirectoryImportKind, DirectoryImportStatus, Gender, GroupStatus, MemberRole } from '@cdtg/directory';
import { Reason } from '../graphql/error-reason';
import { AdminUnitType, RowProblemType } from '../geography/geography.types';
import { Connection, PageArgs } from '../common/connection';

registerEnumType(GroupStatus, { name: 'GroupStatus' });
registerEnumType(MemberRole, { name: 'MemberRole' });
registerEnumType(Gender, { name: 'Gender' });
registerEnumType(Affiliation, { name: 'Affiliation' });
registerEnumType(DirectoryImportKind, { name: 'DirectoryImportKind' });
registerEnumType(DirectoryImportStatus, { name: 'DirectoryImportStatus' });

export enum GroupWarning {
  NO_LEADER = 'NO_LEADER',
  NO_DEPUTY = 'NO_DEPUTY',
  FEWER_THAN_7_MEMBERS = 'FEWER_THAN_7_MEMBERS',
}
registerEnumType(GroupWarning, { name: 'GroupWarning', description: 'Guidance: a leader, a deputy and at least 7 members' });

export enum GroupSort {
  NAME = 'name',
  CREATED = 'created',
}
registerEnumType(GroupSort, { name: 'GroupSort' });

export enum MemberSort {
  NAME = 'name',
  JOINED = 'joined',
}
registerEnumType(MemberSort, { name: 'MemberSort' });

@ObjectType('Group', { description: 'A community digital technology group (tổ công nghệ số cộng đồng)' })
export class GroupType {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  decisionNumber: string | null;

  @Field(() => String, { nullable: true })
  decisionDate: string | null;

  @Field(() => GroupStatus)
  status: GroupStatus;

  @Field(() => String, { nullable: true })
  dissolvedOn: string | null;

  unitId: string;
}

@ObjectType('Member', { description: 'A volunteer' })
export class MemberType {
  @Field(() => ID)
  id: string;

  @Field()
  fullName: string;

  @Field({ description: 'E.164, e.g. +84912345678' })
  phone: string;

  @Field(() => String, { nullable: true })
  email: string | null;

  @Field(() => Gender, { nullable: true })
  gender: Gender | null;

  @Field(() => Int, { nullable: true })
  birthYear: number | null;

  @Field(() => Affiliation)
  affiliation: Affiliation;

  @Field(() => [String], { description: 'Skill codes (see the skills query)' })
  skills: string[];

  @Field()
  joinedOn: string;

  @Field(() => String, { nullable: true })
  leftOn: string | null;
}

@ObjectType('GroupMember', { description: "A member's current place in a group" })
export class GroupMemberType {
  @Field(() => MemberRole)
  role: MemberRole;

  @Field()
  fromDate: string;

  memberId: string;
}

@ObjectType('MembershipRecord', { description: 'A period of a member in a group' })
export class MembershipRecordType {
  @Field(() => MemberRole)
  role: MemberRole;

  @Field()
  fromDate: string;

  @Field(() => String, { nullable: true })
  toDate: string | null;

  groupId: string;
}

@ObjectType('Skill')
export class SkillType {
  @Field()
  code: string;

  @Field()
  nameVi: string;

  @Field()
  nameEn: string;
}

@ObjectType('DirectoryImport', { description: 'A queued CSV import and its progress' })
export class DirectoryImportType {
  @Field(() => ID)
  id: string;

  @Field(() => DirectoryImportKind)
  kind: DirectoryImportKind;

  @Field(() => DirectoryImportStatus)
  status: DirectoryImportStatus;

  @Field(() => Int)
  totalRows: number;

  @Field(() => Int)
  processedRows: number;

  @Field(() => Int)
  created: number;

  @Field(() => Int)
  updated: number;

  @Field(() => Int)
  unchanged: number;

  @Field(() => [RowProblemType])
  errors: RowProblemType[];

  @Field(() => String, { nullable: true, description: 'Why the whole file was refused, in English (clients translate failureReason)' })
  failure: string | null;

  @Field(() => Reason, {
    nullable: true,
    description: 'Why the whole file was refused, for clients to translate (with failureParams)',
    // Imports refused before reasons were kept have only the English text.
    middleware: [({ source }) => (source as DirectoryImport).failureReason ?? ((source as DirectoryImport).failure ? Reason.Invalid : null)],
  })
  failureReason: Reason | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The failure reason\'s parameters, e.g. { columns: ["phone"] }' })
  failureParams: ReasonParams | null;
}

export const GroupConnection = Connection(GroupType, 'Group');
export const MemberConnection = Connection(MemberType, 'Member');

@InputType()
export class UnitFilter {
  @Field(() => String, { nullable: true, description: 'Only records in this unit and its subtree (as of asOf), old units included' })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  unitCode?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDateText()
  asOf?: string | null;

  @Field(() => String, { nullable: true, description: 'Name contains; ignores diacritics and case ("nguyen van an" finds "Nguyễn Văn An")' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string | null;
}

@InputType()
export class GroupFilter extends UnitFilter {
  @Field(() => GroupStatus, { nullable: true })
  @IsOptional()
  @IsEnum(GroupStatus)
  status?: GroupStatus | null;
}

@InputType()
export class MemberFilter extends UnitFilter {
  @Field(() => UUID, { nullable: true })
  @IsOptional()
  @IsUUID()
  groupId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: current members; false: members who left' })
  @IsOptional()
  @IsBoolean()
  active?: boolean | null;

  @Field(() => MemberRole, { nullable: true })
  @IsOptional()
  @IsEnum(MemberRole)
  role?: MemberRole | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  skill?: string | null;

  @Field(() => Affiliation, { nullable: true })
  @IsOptional()
  @IsEnum(Affiliation)
  affiliation?: Affiliation | null;
}

@ArgsType()
export class GroupsArgs extends PageArgs {
  @Field(() => GroupFilter, { nullable: true })
  @IsOptional()
  filter?: GroupFilter | null;

  @Field(() => GroupSort, { defaultValue: GroupSort.NAME })
  @IsEnum(GroupSort)
  sort: GroupSort = GroupSort.NAME;
}

@ArgsType()
export class MembersArgs extends PageArgs {
  @Field(() => MemberFilter, { nullable: true })
  @IsOptional()
  filter?: MemberFilter | null;

  @Field(() => MemberSort, { defaultValue: MemberSort.NAME })
  @IsEnum(MemberSort)
  sort: MemberSort = MemberSort.NAME;
}

@InputType()
export class CreateGroupInput {
  @Field(() => UUID, { description: 'The unit served (normally a residential group or a commune)' })
  @IsUUID()
  unitId: string;

  @Field()
  @IsString()
  @MaxLength(200)
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  decisionNumber?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDateText()
  decisionDate?: string | null;
}

/** The fields of CreateGroupInput but the unit, each optional (the rules stay). */
@InputType()
export class UpdateGroupInput extends PartialType(OmitType(CreateGroupInput, ['unitId'] as const)) {}

@InputType()
export class MemberFieldsInput {
  @Field()
  @IsString()
  @MaxLength(100)
  fullName: string;

  @Field({ description: '0912 345 678, +84 912 345 678, …' })
  @IsString()
  @MaxLength(30)
  phone: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string | null;

  @Field(() => Gender, { nullable: true })
  @IsOptional()
  @IsEnum(Gender)
  gender?: Gender | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2100)
  birthYear?: number | null;

  @Field(() => Affiliation, { nullable: true })
  @IsOptional()
  @IsEnum(Affiliation)
  affiliation?: Affiliation | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  skills?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDateText()
  joinedOn?: string | null;
}

@InputType()
export class CreateMemberInput extends MemberFieldsInput {
  @Field(() => UUID)
  @IsUUID()
  groupId: string;

  @Field(() => MemberRole, { defaultValue: MemberRole.Member })
  @IsEnum(MemberRole)
  role: MemberRole = MemberRole.Member;
}

/** The fields of MemberFieldsInput but the joining day (a move records it), each optional (the rules stay). */
@InputType()
export class UpdateMemberInput extends PartialType(OmitType(MemberFieldsInput, ['joinedOn'] as const)) {}

@InputType()
export class MoveMemberInput {
  @Field(() => UUID) @IsUUID() memberId: string;
  @Field(() => UUID) @IsUUID() groupId: string;
  @Field(() => MemberRole, { defaultValue: MemberRole.Member }) @IsEnum(MemberRole) role: MemberRole = MemberRole.Member;
  @Field(() => String, { nullable: true, description: 'First day in the new group; default today' }) @IsOptional() @IsDateText() on?: string | null;
}

@InputType()
export class DirectoryImportInput {
  @Field(() => DirectoryImportKind)
  @IsEnum(DirectoryImportKind)
  kind: DirectoryImportKind;

  @Field({
    description:
      'CSV text. groups: unit_code,name,decision_number,decision_date,status. members: unit_code,group_name,full_name,phone,email,gender,birth_year,affiliation,skills,role,joined_on',
  })
  @IsString()
  @MaxLength(20 * 1024 * 1024)
  csv: string;
}

export { AdminUnitType };
