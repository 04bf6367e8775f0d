import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../libs/database/src/embedded-postgres';
import { runMigrations } from '../../libs/runtime/src/migrate';
import { TEMPLATE_DATABASE, adminUrl } from './test-env';

/**
 * Once per run: a PostgreSQL server (TEST_DATABASE_URL, or an embedded one under .data/test-postgres) and a template
 * database with every migration applied. Each test file clones the template (CREATE DATABASE … TEMPLATE), so files run
 * in parallel in isolation and migrations run once.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ dir: '.data/test-postgres', port: 54339, database: 'postgres' });
    serverUrl = embedded.url;
    (globalThis as { __embeddedPostgres?: { stop(): Promise<void> } }).__embeddedPostgres = embedded;
  }
  process.env.CDTG_TEST_SERVER_URL = serverUrl;
  const admin = new Client({ connectionString: adminUrl(serverUrl) });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${TEMPLATE_DATABASE}`;
  await runMigrations(url.toString());
  process.env.CDTG_TEST_TEMPLATE_URL = url.toString();
}
