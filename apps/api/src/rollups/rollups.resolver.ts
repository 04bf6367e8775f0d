import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { UUID } from '../graphql/uuid.scalar';
import { Actor, DataScope, Permission } from '@cdtg/access';
import { CoverageExport, CoverageExportService, CoverageReport, CoverageService } from '@cdtg/rollups';
import { Allow, CurrentActor, Scope } from '../access/access.decorators';
import { on } from '../access/targets';
import { TargetsResolver } from './targets.resolver';
import { CoverageArgs, CoverageExportType, CoverageReportType, CoverageTrendArgs, ExportCoverageArgs, LowestCoverageArgs } from './rollups.types';

@Resolver(() => CoverageReportType)
export class CoverageResolver {
  constructor(private readonly rollups: CoverageService) {}

  @Query(() => CoverageReportType, { description: 'Coverage of the units at a level under a unit, per period, in the tree of any day (within your scope)' })
  @Allow(Permission.ReadCoverage)
  coverage(@Args() args: CoverageArgs, @Scope() scope: DataScope): Promise<CoverageReport> {
    return this.rollups.coverage(scope, args);
  }

  @Query(() => CoverageReportType, {
    description: 'The units at a level with the lowest coverage to date, lowest first (units without a household count last)',
  })
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

@Resolver(() => CoverageExportType)
export class CoverageExportResolver {
  constructor(private readonly exports: CoverageExportService) {}

  @Mutation(() => CoverageExportType, {
    description: 'Queue the same table as coverage() as a CSV or XLSX file; poll coverageExport(id) for the download link',
  })
  @Allow(Permission.ReadCoverage)
  exportCoverage(@Args() args: ExportCoverageArgs, @CurrentActor() actor: Actor, @Scope() scope: DataScope): Promise<CoverageExport> {
    const { format, language, ...query } = args;
    return this.exports.request(actor.userId, scope, query, format, language);
  }

  @Query(() => CoverageExportType, { description: 'An export you asked for (any, for an admin)' })
  @Allow(Permission.ReadCoverage, on.coverageExport())
  coverageExport(@Args('id', { type: () => UUID }) id: string): Promise<CoverageExport> {
    return this.exports.find(id);
  }

  @ResolveField(() => String, { nullable: true, description: 'A signed link to the file, valid one hour (null until ready)' })
  downloadUrl(@Parent() row: CoverageExport): string | null {
    return this.exports.downloadUrl(row)?.url ?? null;
  }

  @ResolveField(() => Date, { nullable: true })
  downloadExpiresAt(@Parent() row: CoverageExport): Date | null {
    return this.exports.downloadUrl(row)?.expiresAt ?? null;
  }
}

export const RollupResolvers = [CoverageResolver, CoverageExportResolver, TargetsResolver];
