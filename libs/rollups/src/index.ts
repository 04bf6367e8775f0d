export * from './projector.service';
export * from './rollups.module';
