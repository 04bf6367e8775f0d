import { Args, Query, Resolver } from '@nestjs/graphql';
import { DataScope, Permission } from '@cdtg/access';
import { CoverageReport, CoverageService } from '@cdtg/rollups';
import { Allow, Scope } from '../access/access.decorators';
import { CoverageArgs, CoverageReportType, CoverageTrendArgs, LowestCoverageArgs } from './rollups.types';

@Resolver(() => CoverageReportType)
export class CoverageResolver {
  constructor(private readonly rollups: CoverageService) {}

  @Query(() => CoverageReportType, { description: 'Coverage of the units at a level under a unit, per period, in the tree of any day (within your scope)' })
  @Allow(Permission.ReadCoverage)
  coverage(@Args() args: CoverageArgs, @Scope() scope: DataScope): Promise<CoverageReport> {
    return this.rollups.coverage(scope, args);
  }

  @Query(() => CoverageReportType, { description: 'The units at a level with the lowest coverage to date, lowest first (units without a household count last)' })
  @Allow(Permission.ReadCoverage)
  lowestCoverage(@Args() args: LowestCoverageArgs, @Scope() scope: DataScope): Promise<CoverageReport> {
    return this.rollups.lowest(scope, args, args.first);
  }

  @Query(() => CoverageReportType, { description: "One unit's measures per period: a trend series" })
  @Allow(Permission.ReadCoverage)
  coverageTrend(@Args() args: CoverageTrendArgs, @Scope() scope: DataScope): Promise<CoverageReport> {
    return this.rollups.trend(scope, args);
  }
}

export const RollupResolvers = [CoverageResolver];
