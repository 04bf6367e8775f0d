import { Module } from '@nestjs/common';
import { GeographyModule } from '@cdtg/geography';
import { CoverageService } from './coverage.service';
import { GeographyMapService } from './geography-map.service';
import { ProjectorService } from './projector.service';
import { RebuildService } from './rebuild.service';
import { RollupRepository } from './rollup.repository';
import { SessionSource } from './session-source';

@Module({
  imports: [GeographyModule],
  providers: [RollupRepository, SessionSource, ProjectorService, GeographyMapService, CoverageService, RebuildService],
  exports: [ProjectorService, CoverageService, RebuildService],
})
export class RollupsModule {}
