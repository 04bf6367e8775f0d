import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from '@cdtg/access';
import { AppConfig, ConfigModule } from '@cdtg/config';
import { createDataSource, DatabaseModule } from '@cdtg/database';
import { QueueProducerModule } from '@cdtg/queue';
import { DATA_MODEL } from './data-model';
import { HEALTH_REQUIRES_REDIS, HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { loggerParams } from './logging';

export interface CoreOptions {
  app: 'api' | 'worker';
  /** The worker is not ready without Redis; the API is (writes go to the outbox). */
  readinessRequiresRedis: boolean;
}

/** What every process has: validated config, JSON logs, the database, the outbox producer, access checks and health endpoints. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, options: CoreOptions): DynamicModule {
    if (!config.DATABASE_URL) throw new Error('CoreModule needs a resolved DATABASE_URL');
    const url = config.DATABASE_URL;
    return {
      module: CoreModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config, options.app)),
        DatabaseModule.forRoot(() => createDataSource(url, DATA_MODEL, config.DATABASE_POOL_SIZE)),
        QueueProducerModule,
        AccessModule,
      ],
      controllers: [HealthController],
      providers: [HealthService, { provide: HEALTH_REQUIRES_REDIS, useValue: options.readinessRequiresRedis }],
      exports: [HealthService],
    };
  }
}
