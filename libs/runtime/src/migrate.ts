import { createDataSource } from '@cdtg/database';
import { DATA_MODEL } from './data-model';

const MIGRATION_LOCK = 7_214_002;

/** Runs pending migrations under an advisory lock, so several processes starting at once migrate once. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = await createDataSource(url, DATA_MODEL, 2).initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
  }
}

/** SQL that would bring the database in line with the entities; empty when migrations and entities agree. */
export async function pendingSchemaChanges(url: string): Promise<{ up: string[]; down: string[] }> {
  const dataSource = await createDataSource(url, DATA_MODEL, 2).initialize();
  try {
    const log = await dataSource.driver.createSchemaBuilder().log();
    return { up: log.upQueries.map((q) => q.query), down: log.downQueries.map((q) => q.query) };
  } finally {
    await dataSource.destroy();
  }
}
