import { Module } from '@nestjs/common';
import { ProjectorService } from './projector.service';
import { RollupRepository } from './rollup.repository';
import { SessionSource } from './session-source';

@Module({ providers: [RollupRepository, SessionSource, ProjectorService], exports: [ProjectorService] })
export class RollupsModule {}
