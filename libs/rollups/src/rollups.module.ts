import { Module } from '@nestjs/common';
import { GeographyModule } from '@cdtg/geography';
import { NotificationsModule } from '@cdtg/notifications';
import { CoverageExportService } from './coverage-export.service';
import { CoverageService } from './coverage.service';
import { GeographyMapService } from './geography-map.service';
import { ProjectorService } from './projector.service';
import { RebuildService } from './rebuild.service';
import { RollupRepository } from './rollup.repository';
import { RollupCheckRepository } from './rollup-check.repository';
import { RollupCheckService } from './rollup-check.service';
import { SessionSource } from './session-source';
import { BehindPlanService } from './behind-plan.service';
import { TargetRepository } from './target.repository';
import { TargetsService } from './targets.service';
import { WeeklyDigestService } from './weekly-digest.service';

@Module({
  imports: [GeographyModule, NotificationsModule],
  providers: [
    RollupRepository,
    SessionSource,
    ProjectorService,
    GeographyMapService,
    CoverageService,
    RebuildService,
    RollupCheckRepository,
    RollupCheckService,
    CoverageExportService,
    WeeklyDigestService,
    TargetRepository,
    TargetsService,
    BehindPlanService,
  ],
  exports: [
    ProjectorService,
    CoverageService,
    RebuildService,
    RollupCheckRepository,
    RollupCheckService,
    CoverageExportService,
    WeeklyDigestService,
    TargetsService,
    BehindPlanService,
  ],
})
export class RollupsModule {}
