import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ApiModule } from '../../api/src/api.module';
import { WorkerModule } from '../../worker/src/worker.module';
import { createDataSource } from '@cdtg/database';
import {
  DEMO_PASSWORD,
  DemoAccount,
  DemoActivityReport,
  DemoCityReport,
  loadDemoActivity,
  loadDemoCity,
  seedDemoAccounts,
  seedDemoSessions,
  seedDemoTargets,
} from '@cdtg/demo';
import {
  configOrExit,
  DATA_MODEL,
  CoreModule,
  createApp,
  exitOnSignals,
  fail,
  requireDatabase,
  resolveDevelopmentServices,
  runMigrations,
} from '@cdtg/runtime';
import { TimeModule } from '@cdtg/time';

/**
 * `npm start`: API and worker in one process, with development fallbacks for whatever is not configured
 * (embedded PostgreSQL, in-process jobs without Redis, mail as files). In production it behaves like
 * API + worker together and refuses every fallback.
 */
async function main(): Promise<void> {
  const started = Date.now(); // a duration, for the start-up line
  const { config, stop, notes } = await resolveDevelopmentServices(configOrExit()).catch((error: Error) => fail(error.message));
  const url = await requireDatabase(config, 'unexpected: no database resolved');
  const applied = await runMigrations(url);
  const demo = config.demoCity ? await loadDemo(url, config.isProduction ? null : config.PASSWORD_HASH_MEMORY_KIB) : null;

  @Module({ imports: [CoreModule.forRoot(config, { app: 'api', readinessRequiresRedis: false }), TimeModule.forRoot(), ApiModule, WorkerModule] })
  class StandaloneModule {}

  const app = await createApp({ module: StandaloneModule });
  exitOnSignals(app, config, stop);
  await app.listen(config.PORT, config.HOST);
  const lines = [
    '',
    `cdtg ${config.NODE_ENV} is running (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    `  console:   ${config.publicUrl}/`,
    `  GraphQL:   ${config.publicUrl}/graphql`,
    `  health:    ${config.publicUrl}/health/ready`,
    ...notes.map((n) => `  ${n}`),
    applied.length ? `  migrations applied: ${applied.join(', ')}` : '  migrations: up to date',
    demo && !demo.skipped
      ? `  demo city loaded: Đà Nẵng units before and after the 2025 reform; SYNTHETIC ${demo.residentialGroups} residential groups, ${demo.groups} groups, ${demo.members} members`
      : '',
    demo && !demo.activity.skipped
      ? `  demo assistance: SYNTHETIC ${demo.activity.entries} entries for ${demo.activity.households} households since March 2025, with household counts (rollups built)`
      : '',
    demo?.targets ? `  demo targets: SYNTHETIC ${demo.targets} targets (chỉ tiêu) of the communes of Đà Nẵng for this year, quarter and month` : '',
    demo?.sessions ? `  demo sessions: SYNTHETIC ${demo.sessions} training sessions in Phường Hải Châu (held last week, planned this week)` : '',
    ...(demo?.accounts?.length
      ? [`  demo sign-in (password ${DEMO_PASSWORD}, development only):`, ...demo.accounts.map((a) => `    ${a.email.padEnd(22)} ${a.role} – ${a.scope}`)]
      : []),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/**
 * The Đà Nẵng demo city, once, into an empty database (DEMO_CITY=false turns it off), and outside production one
 * account per kind of user with a published password.
 */
async function loadDemo(
  url: string,
  passwordMemoryKiB: number | null,
): Promise<DemoCityReport & { sessions: number; activity: DemoActivityReport; targets: number; accounts: DemoAccount[] | null }> {
  const dataSource = await createDataSource(url, DATA_MODEL, 2).initialize();
  try {
    const city = await loadDemoCity(dataSource);
    const sessions = await seedDemoSessions(dataSource);
    const activity = await loadDemoActivity(dataSource);
    const targets = await seedDemoTargets(dataSource);
    const accounts = passwordMemoryKiB ? await seedDemoAccounts(dataSource, passwordMemoryKiB) : null;
    return { ...city, sessions, activity, targets, accounts };
  } finally {
    await dataSource.destroy();
  }
}

void main();
