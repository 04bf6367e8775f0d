import { IsDateText } from '../graphql/formats';
import { ArgsType, Field, Float, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import GraphQLJSON from 'graphql-type-json';
import type { ReasonParams } from '@cdtg/errors';
import { RowProblem, ShareKind, UnitKind } from '@cdtg/geography';
import { Reason } from '../graphql/error-reason';

registerEnumType(UnitKind, { name: 'UnitKind' });
registerEnumType(ShareKind, { name: 'ShareKind', description: 'FULL: the whole old unit; PARTIAL: the old unit was split' });

@ObjectType({ description: 'An administrative unit for one period (codes are reused: identity is code + period)' })
export class AdminUnitType {
  @Field(() => ID)
  id: string;

  @Field()
  code: string;

  @Field({ description: 'Official name with its type word, e.g. "Phường Hải Châu"' })
  name: string;

  @Field()
  typeWord: string;

  @Field(() => UnitKind)
  kind: UnitKind;

  @Field(() => String, { nullable: true, description: 'First day in force (inclusive); null: before records began' })
  validFrom: string | null;

  @Field(() => String, { nullable: true, description: 'Last day in force (inclusive); null: still in force' })
  validTo: string | null;

  @Field({ description: 'Generated for the demo city (not official data)' })
  synthetic: boolean;

  parentId: string | null;
  path: string;
  depth: number;
}

@ObjectType({ description: 'Where an old unit went (or where a new unit came from) through reorganisations' })
export class UnitLinkType {
  @Field(() => AdminUnitType)
  unit: AdminUnitType;

  @Field(() => ShareKind)
  share: ShareKind;

  @Field(() => Float, { description: 'Fraction of the old unit that went to the new one (multiplied along a chain)' })
  fraction: number;

  @Field({ description: 'True when the fraction is an equal split, not a published figure' })
  fractionEstimated: boolean;

  @Field()
  effectiveDate: string;
}

@ObjectType({ description: 'One bad row of an import: its line, the column at fault and why' })
export class RowProblemType {
  @Field()
  line: number;

  @Field(() => String, { nullable: true })
  field?: string;

  @Field({ description: 'The reason in English (for logs and API users; clients translate `reason`)' })
  message: string;

  // A problem made before reasons (or by a check not yet given one) reads as INVALID.
  @Field(() => Reason, { description: 'Why, for clients to translate', middleware: [({ source }) => (source as RowProblem).reason ?? Reason.Invalid] })
  reason?: Reason;

  @Field(() => GraphQLJSON, { nullable: true, description: "The reason's parameters (codes, lines, dates, names), e.g. { code: '20194', line: 3 }" })
  params?: ReasonParams;
}

@ObjectType({ description: 'Outcome of a CSV import: good rows applied, each bad row reported' })
export class ImportReportType {
  @Field()
  created: number;

  @Field()
  updated: number;

  @Field()
  unchanged: number;

  @Field(() => [RowProblemType])
  errors: RowProblemType[];
}

@ArgsType()
export class UnitArgs {
  @Field()
  @IsString()
  @MaxLength(30)
  code: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; default today (Asia/Ho_Chi_Minh)' })
  @IsOptional()
  @IsDateText()
  asOf?: string | null;
}

@ArgsType()
export class SubtreeArgs extends UnitArgs {
  @Field(() => [UnitKind], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsEnum(UnitKind, { each: true })
  @ArrayMaxSize(5)
  kinds?: UnitKind[] | null;
}

@InputType()
export class CsvImportInput {
  @Field({ description: 'The CSV text (UTF-8; comma or semicolon separated)' })
  @IsString()
  @MaxLength(20 * 1024 * 1024)
  csv: string;
}

@InputType()
export class ReorganisationImportInput extends CsvImportInput {
  @Field(() => String, { nullable: true, description: 'Legal basis, e.g. Nghị quyết 1659/NQ-UBTVQH15' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  decision?: string | null;
}
