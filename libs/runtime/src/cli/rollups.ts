import 'reflect-metadata';
import { createDataSource } from '@cdtg/database';
import { RebuildService, RollupCheckRepository } from '@cdtg/rollups';
import { configOrExit, fail, requireDatabase, resolveDevelopmentServices } from '../bootstrap';
import { DATA_MODEL } from '../data-model';

/**
 * npm run rollups -- check | repair | rebuild | status
 * check: recounts the rollups from raw records and compares them with the incremental tables, in one snapshot and
 * without a lock (projections go on; keys with pending change events are compared as projected); the result is
 * stored and printed; exit 1 on a difference. Nothing is repaired.
 * repair (or rebuild): the backfill: holds the rollup lock (projections wait) and replaces the tables that differ with
 * the rebuild (after a difference, a restore, a reorganisation imported late, or a change of the counting rules).
 * status: the latest stored checks and repairs (the nightly job's among them).
 */
async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  if (command !== 'check' && command !== 'rebuild' && command !== 'repair' && command !== 'status') fail('usage: rollups.js check | repair | rebuild | status');
  const { config, stop } = await resolveDevelopmentServices(configOrExit());
  const url = await requireDatabase(config, 'set DATABASE_URL');
  const dataSource = await createDataSource(url, DATA_MODEL, 2).initialize();
  try {
    if (command === 'status') {
      const checks = await new RollupCheckRepository(dataSource).latest(10);
      if (!checks.length) process.stdout.write('no rollup check has run yet\n');
      for (const c of checks) {
        const outcome = c.repaired ? `repaired ${c.differences} difference(s)` : c.consistent ? 'consistent' : `${c.differences} difference(s), not repaired`;
        process.stdout.write(`#${c.id} ${c.finishedAt.toISOString()} ${c.mode} (${c.origin}): ${outcome}\n`);
      }
      if (checks[0] && !checks[0].consistent && !checks[0].repaired) process.exitCode = 1;
      return;
    }
    const report = await new RebuildService(dataSource).run(command === 'check' ? 'verify' : 'repair', { origin: 'cli' });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (command === 'check' && !report.consistent) process.exitCode = 1;
  } finally {
    await dataSource.destroy();
    await stop();
  }
}

main().catch((error: Error) => fail(error.message));
