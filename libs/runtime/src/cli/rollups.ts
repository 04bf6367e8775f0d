import 'reflect-metadata';
import { createDataSource } from '@cdtg/database';
import { RebuildService } from '@cdtg/rollups';
import { configOrExit, fail, requireDatabase, resolveDevelopmentServices } from '../bootstrap';
import { DATA_MODEL } from '../data-model';

/**
 * npm run rollups -- check | rebuild
 * check: rebuilds the rollups from raw records and compares them with the incremental tables (exit 1 on a difference).
 * rebuild: the backfill: replaces facts and cells with the rebuild (after a reorganisation imported late, a restore, or
 * a change of the counting rules). Both hold the rollup lock: projections wait meanwhile.
 */
async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  if (command !== 'check' && command !== 'rebuild') fail('usage: rollups.js check | rebuild');
  const { config, stop } = await resolveDevelopmentServices(configOrExit());
  const url = await requireDatabase(config, 'set DATABASE_URL');
  const dataSource = await createDataSource(url, DATA_MODEL, 2).initialize();
  try {
    const report = await new RebuildService(dataSource).run(command === 'check' ? 'verify' : 'repair');
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (command === 'check' && !report.consistent) process.exitCode = 1;
  } finally {
    await dataSource.destroy();
    await stop();
  }
}

main().catch((error: Error) => fail(error.message));
