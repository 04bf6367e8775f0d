import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '@cdtg/config';
import { BullmqDriver } from './drivers/bullmq.driver';
import { QUEUE_DRIVER, QueueDriver } from './drivers/queue-driver';
import { SyncDriver } from './drivers/sync.driver';
import { JobHandlerRegistry } from './job-handler';
import { JobSchedules } from './job-schedules';
import { OutboxRelay } from './outbox-relay';
import { OutboxService } from './outbox.service';
import { ProcessedRowsPurge } from './processed-rows-purge.service';
import { ChangeFeed } from './change-feed.service';
import { QueueWorkers } from './queue-workers';
import { createRedisConnection } from './redis-connection';

/** Producers: anything that writes jobs (through the outbox). Used by the API and the worker. */
@Global()
@Module({ providers: [OutboxService, ChangeFeed], exports: [OutboxService, ChangeFeed] })
export class QueueProducerModule {}

/** The queue driver chosen by configuration: BullMQ when REDIS_URL is set, the in-process runner otherwise (dev only). */
export function createQueueDriver(config: AppConfig, registry: JobHandlerRegistry): QueueDriver {
  if (config.REDIS_URL) {
    return new BullmqDriver(createRedisConnection(config.REDIS_URL, 'producer', 'cdtg-relay'), {
      prefix: config.QUEUE_PREFIX,
      attempts: config.JOB_ATTEMPTS,
      backoffMs: config.JOB_BACKOFF_MS,
    });
  }
  if (config.isProduction) throw new Error('REDIS_URL is required when NODE_ENV=production (no in-process queue)');
  new Logger('Queue').warn('No Redis: jobs run inside this process (development only). Set REDIS_URL to use BullMQ.');
  return new SyncDriver(registry, config.JOB_ATTEMPTS);
}

/** Consumers: the outbox relay, the handler registry, the BullMQ workers, the job schedules and the retention purge. Imported by apps/worker only. */
@Module({})
export class QueueConsumerModule {
  static forRoot(): DynamicModule {
    return {
      module: QueueConsumerModule,
      imports: [DiscoveryModule],
      providers: [
        JobHandlerRegistry,
        { provide: QUEUE_DRIVER, useFactory: createQueueDriver, inject: [AppConfig, JobHandlerRegistry] },
        OutboxRelay,
        QueueWorkers,
        JobSchedules,
        ProcessedRowsPurge,
      ],
      exports: [OutboxRelay, JobHandlerRegistry, QUEUE_DRIVER, ProcessedRowsPurge],
    };
  }
}
