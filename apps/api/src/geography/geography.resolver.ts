import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GrantsService } from '@cdtg/accounts';
import { AdminUnit, GeographyImportService, GeographyService } from '@cdtg/geography';
import { Actor, Permission } from '@cdtg/access';
import { Allow, CurrentActor } from '../access/access.decorators';
import { GraphqlContext, LoaderFactory } from '../common/loaders';
import { AdminUnitType, ImportReportType, ReorganisationImportInput, CsvImportInput, SubtreeArgs, UnitArgs, UnitLinkType } from './geography.types';

@Resolver(() => AdminUnitType)
export class GeographyResolver {
  constructor(
    private readonly geography: GeographyService,
    private readonly imports: GeographyImportService,
    private readonly loaders: LoaderFactory,
    private readonly grants: GrantsService,
  ) {}

  @Query(() => AdminUnitType, { description: 'The unit with this code valid on asOf (default today)' })
  @Allow(Permission.ReadReference)
  unit(@Args() args: UnitArgs): Promise<AdminUnit> {
    return this.geography.unitByCode(args.code, args.asOf);
  }

  @Query(() => [AdminUnitType], { description: 'Every version of a code, oldest first' })
  @Allow(Permission.ReadReference)
  unitVersions(@Args('code') code: string): Promise<AdminUnit[]> {
    return this.geography.versions(code);
  }

  @Query(() => [AdminUnitType], { description: 'Children of the unit, as of a date' })
  @Allow(Permission.ReadReference)
  unitChildren(@Args() args: UnitArgs): Promise<AdminUnit[]> {
    return this.geography.children(args.code, args.asOf);
  }

  @Query(() => [AdminUnitType], { description: 'The whole subtree below the unit as of a date, optionally of some kinds' })
  @Allow(Permission.ReadReference)
  unitSubtree(@Args() args: SubtreeArgs): Promise<AdminUnit[]> {
    return this.geography.subtree(args.code, args.asOf, args.kinds ?? undefined);
  }

  @Query(() => String, { description: 'All units as CSV (code,name,kind,type,parent_code,valid_from,valid_to)' })
  @Allow(Permission.ReadReference)
  exportUnitsCsv(): Promise<string> {
    return this.imports.exportUnits();
  }

  @Query(() => String, { description: 'All reorganisation links as CSV' })
  @Allow(Permission.ReadReference)
  exportReorganisationsCsv(): Promise<string> {
    return this.imports.exportReorganisations();
  }

  @Mutation(() => ImportReportType, { description: 'Import units from CSV; bad rows are reported, good rows kept' })
  @Allow(Permission.ManageGeography)
  importUnits(@Args('input') input: CsvImportInput, @CurrentActor() actor: Actor): Promise<ImportReportType> {
    return this.imports.importUnits(input.csv, actor);
  }

  @Mutation(() => ImportReportType, { description: 'Import reorganisations (effective_date,old_code,old_name,new_code,new_name,share)' })
  @Allow(Permission.ManageGeography)
  async importReorganisations(@Args('input') input: ReorganisationImportInput, @CurrentActor() actor: Actor): Promise<ImportReportType> {
    const report = await this.imports.importReorganisations(input.csv, actor, input.decision ?? null);
    // Grants on units that were merged or split follow them to their successors.
    await this.grants.followReorganisations();
    return report;
  }

  @ResolveField(() => AdminUnitType, { nullable: true })
  parent(@Parent() unit: AdminUnit, @Context() ctx: GraphqlContext): Promise<AdminUnit | null> | null {
    return unit.parentId ? this.loaders.of(ctx).unit.load(unit.parentId) : null;
  }

  @ResolveField(() => [AdminUnitType], { description: 'Root first' })
  ancestors(@Parent() unit: AdminUnit): Promise<AdminUnit[]> {
    return this.geography.ancestors(unit);
  }

  @ResolveField(() => [UnitLinkType], { description: 'What this unit is now: its successors through later reorganisations' })
  successors(@Parent() unit: AdminUnit) {
    return this.geography.successors(unit);
  }

  @ResolveField(() => [UnitLinkType], { description: 'What this unit was before: its predecessors' })
  predecessors(@Parent() unit: AdminUnit) {
    return this.geography.predecessors(unit);
  }
}
