import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { configOrExit, CoreModule, createApp, exitOnSignals, requireDatabase, runMigrations } from '@cdtg/runtime';
import { TimeModule } from '@cdtg/time';
import { ApiModule } from './api.module';

/** The API alone (production, Docker): needs DATABASE_URL; migrates on start under a lock. */
async function main(): Promise<void> {
  const config = configOrExit();
  const url = await requireDatabase(config, 'the API alone needs a database; `npm start` runs everything with an embedded one');
  await runMigrations(url);

  @Module({ imports: [CoreModule.forRoot(config, { app: 'api', readinessRequiresRedis: false }), TimeModule.forRoot(), ApiModule] })
  class ApiAppModule {}

  const app = await createApp({ module: ApiAppModule });
  exitOnSignals(app, config);
  await app.listen(config.PORT, config.HOST);
  new Logger('Api').log(`GraphQL API at ${config.publicUrl}/graphql, web console at ${config.publicUrl}/`);
}

void main();
