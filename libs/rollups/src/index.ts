export * from './periods';
export * from './measures';
export * from './facts';
export * from './geography-map';
export * from './rollup.entities';
export * from './projector.service';
export * from './rollups.module';
