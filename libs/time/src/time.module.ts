import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, systemClock } from './clock';

/**
 * The Clock for the whole process, global: `TimeModule.forRoot()` is imported once by each root module (API, worker,
 * standalone). Tests pass their own clock, `TimeModule.forRoot(new TestClock())`, to set the time.
 */
@Global()
@Module({})
export class TimeModule {
  static forRoot(clock: Clock = systemClock): DynamicModule {
    return { module: TimeModule, global: true, providers: [{ provide: Clock, useValue: clock }], exports: [Clock] };
  }
}
