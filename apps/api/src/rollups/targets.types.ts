import { ArgsType, Field, Float, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsNumber, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Period, TargetKind } from '@cdtg/rollups';
import { IsDateText } from '../graphql/formats';
import { UUID } from '../graphql/uuid.scalar';
import { AdminUnitType } from '../geography/geography.types';

registerEnumType(TargetKind, { name: 'TargetKind', description: 'PERCENT (coverage measures, 0–100) or COUNT' });

@ObjectType('TargetProgress', {
  description:
    'Progress of a coverage row against a target: gap = target − actual (still to do); behind plan (chậm tiến độ) when actual < target × elapsed share of the period',
})
export class TargetProgressType {
  @Field({ description: 'The target measure (targetMeasures)' })
  measure: string;

  @Field(() => TargetKind)
  kind: TargetKind;

  @Field(() => Float, { description: 'The target for the whole period' })
  target: number;

  @Field(() => Float, { nullable: true, description: "The row's figure (null: a percentage of a unit without a household count)" })
  actual: number | null;

  @Field(() => Float, { nullable: true, description: 'target − actual; ≤ 0 when reached; null without an actual' })
  gap: number | null;

  @Field(() => Float, { description: 'The target pro-rated to the elapsed share of the period' })
  expected: number;

  @Field({ description: 'actual < expected (chậm tiến độ)' })
  behindPlan: boolean;

  @Field({ description: 'Set on units of the other tree (before or after a reorganisation) and carried here through the reform links' })
  carried: boolean;

  @Field({ description: "Part of the carried target is a share of a split unit's target (an estimate)" })
  apportioned: boolean;
}

@ObjectType('TargetMeasure', { description: 'A measure a target can be set for' })
export class TargetMeasureType {
  @Field()
  key: string;

  @Field(() => TargetKind)
  kind: TargetKind;

  @Field()
  headerVi: string;

  @Field()
  headerEn: string;
}

@ObjectType('Target', { description: 'A target (chỉ tiêu) of a unit for a measure and period' })
export class TargetType {
  @Field(() => UUID)
  unitId: string;

  @Field()
  measure: string;

  @Field(() => TargetKind)
  kind: TargetKind;

  @Field(() => Period)
  period: Period;

  @Field()
  periodStart: string;

  @Field()
  periodEnd: string;

  @Field(() => Float)
  value: number;

  @Field()
  updatedBy: string;

  @Field(() => Date, { nullable: true, description: 'Null for a target just removed' })
  updatedAt: Date | null;
}

@ObjectType('TargetList')
export class TargetListType {
  @Field(() => AdminUnitType)
  unit: AdminUnitType;

  @Field(() => [TargetType], { description: 'Set on the unit, the units under it and the earlier units that went into them' })
  targets: TargetType[];
}

@InputType()
export class SetTargetInput {
  @Field(() => UUID, { description: 'A province, district, commune or special zone (the unit of the period: its dated id)' })
  @IsUUID()
  unitId: string;

  @Field({ description: 'A target measure key (targetMeasures): coverage, coverage_<service>, or a count measure' })
  @IsString()
  @MaxLength(60)
  measure: string;

  @Field(() => Period, { description: 'MONTH, QUARTER or YEAR' })
  @IsEnum(Period)
  period: Period;

  @Field({ description: 'Any day of the period (its first day is kept)' })
  @IsDateText()
  periodStart: string;

  @Field(() => Float, { nullable: true, description: 'A percentage (0–100) or a count; null removes the target' })
  @IsOptional()
  @IsNumber()
  value: number | null;
}

@InputType()
export class ImportTargetsInput {
  @Field({
    description:
      'CSV with columns unit_code,measure,period,period_start,target and optionally valid_on (Vietnamese headers: mã đơn vị, chỉ số, kỳ, từ ngày, chỉ tiêu; periods tháng/quý/năm)',
  })
  @IsString()
  csv: string;
}

@ArgsType()
export class TargetsArgs {
  @Field({ description: 'The unit (its code in the tree of geographyAsOf)' })
  @IsString()
  @MaxLength(30)
  unitCode: string;

  @Field(() => Period)
  @IsEnum(Period)
  period: Period;

  @Field({ description: 'Any day of the period' })
  @IsDateText()
  periodStart: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsDateText()
  geographyAsOf?: string | null;
}
