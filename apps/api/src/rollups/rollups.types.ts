import { IsDateText } from '../graphql/formats';
import { ArgsType, Field, Float, ID, Int, ObjectType, PickType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AssistService } from '@cdtg/assists';
import { Language } from '@cdtg/notifications';
import { Basis, CoverageLevel, CoverageSource, ExportFormat, ExportStatus, MeasureGroup, Period, SHOWN } from '@cdtg/rollups';
import { AdminUnitType } from '../geography/geography.types';
import { TargetProgressType } from './targets.types';

registerEnumType(Period, {
  name: 'Period',
  description: 'Days, ISO weeks, months, quarters and years in Asia/Ho_Chi_Minh; CUMULATIVE: from the beginning to the end of the range',
});
registerEnumType(CoverageLevel, { name: 'CoverageLevel' });
registerEnumType(CoverageSource, { name: 'CoverageSource', description: 'How an answer was computed' });
registerEnumType(Basis, { name: 'CountBasis', description: 'All valid entries, or only those verified by a ward officer' });

@ObjectType('RollupFreshness', { description: 'What the figures include: every change up to eventId' })
export class FreshnessType {
  @Field(() => ID, { nullable: true, description: 'The last change event included (every earlier one is too)' })
  eventId: string | null;

  @Field(() => Date, { nullable: true, description: 'When that change was written' })
  at: Date | null;

  @Field(() => Int, { description: 'Changes written but not yet counted' })
  pendingEvents: number;

  @Field(() => Float, { description: 'Age of the oldest change not yet counted (0 when none)' })
  lagSeconds: number;
}

@ObjectType('ServiceCount')
export class ServiceCountType {
  @Field(() => AssistService)
  service: AssistService;

  @Field(() => Float)
  done: number;

  @Field(() => Float)
  followUp: number;
}

@ObjectType('TrainedCount', { description: 'People trained at held sessions, by gender and age band' })
export class TrainedCountType {
  @Field({ description: 'female or male' })
  gender: string;

  @Field({ description: 'under_35, 35_59 or 60_plus' })
  ageBand: string;

  @Field(() => Float)
  people: number;
}

@ObjectType('CoverageRow', { description: 'The measures of one unit for one period. Figures may be fractional when apportioned' })
export class CoverageRowType {
  @Field(() => AdminUnitType)
  unit: AdminUnitType;

  @Field()
  periodStart: string;

  @Field()
  periodEnd: string;

  @Field({ description: 'Part of a figure comes from a unit split by a reform, shared out by the reform share (estimated unless published)' })
  apportioned: boolean;

  @Field(() => Float, { nullable: true, description: 'Households of the unit (the denominator) as of the end of the period; null when unknown' })
  households: number | null;

  @Field(() => Float, { nullable: true, description: 'householdsReachedToDate / households × 100' })
  coveragePercent: number | null;

  @Field(() => [TargetProgressType], {
    description:
      'Target, actual and gap of each measure with a target for the unit and period (months, quarters, years; carried across the reform); empty without one',
  })
  targets: TargetProgressType[];
}

/** The item type of each group of figures of a row (a new group of measures needs one). */
const GROUP_TYPES: Record<MeasureGroup, () => [typeof ServiceCountType | typeof TrainedCountType]> = {
  services: () => [ServiceCountType],
  trained: () => [TrainedCountType],
};

// A Float field per measure shown on its own, and a list field per group: declared from the measure registry.
for (const { row } of SHOWN) {
  if ('field' in row) Field(() => Float, row.description ? { description: row.description } : {})(CoverageRowType.prototype, row.field);
}
for (const group of Object.keys(GROUP_TYPES) as MeasureGroup[]) Field(GROUP_TYPES[group])(CoverageRowType.prototype, group);

@ObjectType('CoverageReport')
export class CoverageReportType {
  @Field(() => AdminUnitType)
  unit: AdminUnitType;

  @Field(() => CoverageLevel)
  level: CoverageLevel;

  @Field(() => Period)
  period: Period;

  @Field()
  from: string;

  @Field()
  to: string;

  @Field({ description: 'The tree the answer is in: the units in force on this day' })
  geographyAsOf: string;

  @Field(() => Basis)
  basis: Basis;

  @Field(() => FreshnessType)
  asOf: FreshnessType;

  @Field(() => CoverageSource, {
    description:
      'MAPPED_CELLS: read from the cells of the units and what older units add to them (one row per unit and period); SOURCES: summed from the cells and facts of every unit of any period that maps in (days, residential groups, other trees, or before the nightly rebuild maps a changed tree)',
  })
  source: CoverageSource;

  @Field(() => [CoverageRowType], { description: 'Per unit (by code), then per period' })
  rows: CoverageRowType[];
}

@ArgsType()
export class CoverageTrendArgs {
  @Field({ description: 'The unit (its code in the tree of geographyAsOf)' })
  @IsString()
  @MaxLength(30)
  unitCode: string;

  @Field(() => Period)
  @IsEnum(Period)
  period: Period;

  @Field(() => String, { nullable: true, description: 'First day of the range (default: to)' })
  @IsOptional()
  @IsDateText()
  from?: string | null;

  @Field(() => String, { nullable: true, description: 'Last day of the range (default: today)' })
  @IsOptional()
  @IsDateText()
  to?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Answer in the tree in force on this day (default: today); e.g. 2025-06-30 for the districts and wards before the 2025 reform',
  })
  @IsOptional()
  @IsDateText()
  geographyAsOf?: string | null;

  @Field(() => Basis, { defaultValue: Basis.All })
  @IsEnum(Basis)
  basis: Basis = Basis.All;
}

@ArgsType()
export class CoverageArgs extends CoverageTrendArgs {
  @Field(() => CoverageLevel, { description: 'The level of the rows under the unit' })
  @IsEnum(CoverageLevel)
  level: CoverageLevel;
}

/** The unit, level, tree and basis of a coverage question; `to` is a day here, not the end of a range. */
@ArgsType()
export class LowestCoverageArgs extends PickType(CoverageArgs, ['unitCode', 'level', 'geographyAsOf', 'basis'] as const) {
  @Field(() => String, { nullable: true, description: 'Coverage to date as of this day (default: today)' })
  @IsOptional()
  @IsDateText()
  to?: string | null;

  @Field(() => Int, { defaultValue: 5, description: 'How many units, at most 100' })
  @IsInt()
  @Min(1)
  @Max(100)
  first: number = 5;
}

registerEnumType(ExportFormat, { name: 'ExportFormat' });
registerEnumType(ExportStatus, { name: 'ExportStatus' });

@ObjectType('CoverageExport', { description: 'A coverage table as a file, made by a queued job' })
export class CoverageExportType {
  @Field(() => ID)
  id: string;

  @Field(() => ExportFormat)
  format: ExportFormat;

  @Field(() => ExportStatus)
  status: ExportStatus;

  @Field(() => String, { nullable: true })
  filename: string | null;

  @Field(() => Int, { nullable: true, description: 'Rows of the table' })
  rows: number | null;

  @Field(() => String, { nullable: true, description: 'Why the export failed' })
  failure: string | null;

  @Field()
  createdAt: Date;
}

@ArgsType()
export class ExportCoverageArgs extends CoverageArgs {
  @Field(() => ExportFormat)
  @IsEnum(ExportFormat)
  format: ExportFormat;

  @Field(() => Language, { defaultValue: Language.vi, description: 'Language of the headers' })
  @IsEnum(Language)
  language: Language = Language.vi;
}
