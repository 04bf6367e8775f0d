import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor, DataScope, Permission } from '@cdtg/access';
import { AdminUnit } from '@cdtg/geography';
import { TARGET_MEASURES, TargetsService, TargetView } from '@cdtg/rollups';
import { Allow, CurrentActor, Scope } from '../access/access.decorators';
import { on } from '../access/targets';
import { AdminUnitType, ImportReportType } from '../geography/geography.types';
import { GraphqlContext, LoaderFactory } from '../common/loaders';
import { ImportTargetsInput, SetTargetInput, TargetListType, TargetMeasureType, TargetsArgs, TargetType } from './targets.types';

@Resolver(() => TargetType)
export class TargetsResolver {
  constructor(
    private readonly service: TargetsService,
    private readonly loaders: LoaderFactory,
  ) {}

  @Query(() => [TargetMeasureType], { description: 'The measures a target can be set for' })
  @Allow(Permission.ReadCoverage)
  targetMeasures(): TargetMeasureType[] {
    return TARGET_MEASURES.map((m) => ({ key: m.key, kind: m.kind, headerVi: m.header.vi, headerEn: m.header.en }));
  }

  @Query(() => TargetListType, { description: 'Targets of a period set on a unit and the units under it, within your scope' })
  @Allow(Permission.ReadCoverage)
  targets(@Args() args: TargetsArgs, @Scope() scope: DataScope) {
    return this.service.list(scope, args.unitCode, args.period, args.periodStart, args.geographyAsOf);
  }

  @Mutation(() => TargetType, { description: 'Set (or with a null value remove) the target of a unit for a measure and period' })
  @Allow(Permission.ManageTargets, on.unit('input.unitId'))
  setTarget(@Args('input') input: SetTargetInput, @CurrentActor() actor: Actor, @Scope() scope: DataScope): Promise<TargetView> {
    return this.service.set(actor, scope, {
      unitId: input.unitId,
      measure: input.measure,
      period: input.period,
      day: input.periodStart,
      value: input.value ?? null,
    });
  }

  @Mutation(() => ImportReportType, { description: 'Import targets from CSV; bad rows and rows outside your scope are reported row by row, good rows kept' })
  @Allow(Permission.ManageTargets)
  importTargets(@Args('input') input: ImportTargetsInput, @CurrentActor() actor: Actor, @Scope() scope: DataScope) {
    return this.service.import(actor, scope, input.csv);
  }

  @ResolveField(() => AdminUnitType)
  unit(@Parent() row: { unitId: string }, @Context() ctx: GraphqlContext): Promise<AdminUnit | null> {
    return this.loaders.of(ctx).unit.load(row.unitId);
  }
}
