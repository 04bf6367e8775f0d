import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '@cdtg/config';
import { BullmqDriver } from './drivers/bullmq.driver';
import { outboxRowOf, QUEUE_DRIVER, QueueDriver } from './drivers/queue-driver';
import { JobHandlerRegistry } from './job-handler';
import { markJobDone } from './outbox.repository';
import { ALL_QUEUE_NAMES } from './job-names';
import { createRedisConnection } from './redis-connection';

/** One BullMQ Worker per queue, routing each job to its handler. Idle when the in-process driver is used. */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('QueueWorkers');
  private readonly workers: Worker[] = [];
  private readonly connections: IORedis[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly registry: JobHandlerRegistry,
    @Inject(QUEUE_DRIVER) private readonly driver: QueueDriver,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (!(this.driver instanceof BullmqDriver) || !this.config.REDIS_URL) return;
    for (const queueName of ALL_QUEUE_NAMES) {
      const connection = createRedisConnection(this.config.REDIS_URL, 'consumer', `cdtg-worker-${queueName}`);
      this.connections.push(connection);
      const worker = new Worker(queueName, (job: Job) => this.process(job), {
        connection,
        prefix: this.config.QUEUE_PREFIX,
        concurrency: this.config.WORKER_CONCURRENCY,
        // A job whose worker died (kill -9) is taken back and run again after its lock expires.
        lockDuration: this.config.JOB_LOCK_MS,
        stalledInterval: this.config.JOB_LOCK_MS,
      });
      worker.on('error', (error) => this.logger.warn(`worker ${queueName}: ${error.message}`));
      worker.on('failed', (job, error) =>
        this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}/${job?.opts.attempts}): ${error.message}`),
      );
      this.workers.push(worker);
    }
    this.logger.log(`Consuming ${ALL_QUEUE_NAMES.length} queues with concurrency ${this.config.WORKER_CONCURRENCY}`);
  }

  /** Stops taking jobs and waits for the ones in flight. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
  }

  private async process(job: Job): Promise<void> {
    await this.registry.run(job.name, job.data, { jobId: String(job.id), attempt: job.attemptsMade + 1 });
    await this.markDone(String(job.id));
  }

  /**
   * The job's outbox row is done: it is not sent again if Redis later loses its data. Best effort: a row left
   * "dispatched" is only sent again after such a loss, and handlers are idempotent.
   */
  private async markDone(jobId: string): Promise<void> {
    const row = outboxRowOf(jobId);
    if (!row) return;
    try {
      await markJobDone(this.dataSource, row);
    } catch (error) {
      this.logger.warn(`job ${jobId} completed; its outbox row stays dispatched: ${(error as Error).message}`);
    }
  }
}
