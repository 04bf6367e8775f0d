import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { configOrExit, CoreModule, createApp, exitOnSignals, fail, requireDatabase } from '@cdtg/runtime';
import { TimeModule } from '@cdtg/time';
import { WorkerModule } from './worker.module';

/** The worker alone (production, Docker): relay + BullMQ processors, health on WORKER_PORT. */
async function main(): Promise<void> {
  const config = configOrExit();
  await requireDatabase(config, 'the worker needs the database the API uses');
  if (!config.REDIS_URL) fail('REDIS_URL is not set (the worker consumes BullMQ queues; `npm start` runs jobs in process without Redis)');

  @Module({ imports: [CoreModule.forRoot(config, { app: 'worker', readinessRequiresRedis: true }), TimeModule.forRoot(), WorkerModule] })
  class WorkerAppModule {}

  const app = await createApp({ module: WorkerAppModule });
  exitOnSignals(app, config);
  await app.listen(config.WORKER_PORT, config.HOST);
  new Logger('Worker').log(`Worker running; health at http://${config.HOST}:${config.WORKER_PORT}/health/ready`);
}

void main();
