import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../libs/database/src/embedded-postgres';
import { runMigrations } from '../../libs/runtime/src/migrate';
import { adminUrl } from './test-env';

/**
 * Once per run: a PostgreSQL server (TEST_DATABASE_URL, or an embedded one under .data/test-postgres) and a template
 * database with every migration applied. Each test file clones the template (CREATE DATABASE … TEMPLATE), so files run
 * in parallel in isolation and migrations run once. The template's name is unique to the run, so runs sharing a server
 * do not disturb each other; templates left behind by runs that were killed are dropped after a day.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ dir: '.data/test-postgres', port: 54339, database: 'postgres' });
    serverUrl = embedded.url;
    (globalThis as { __embeddedPostgres?: { stop(): Promise<void> } }).__embeddedPostgres = embedded;
  }
  const template = `cdtg_test_template_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  process.env.CDTG_TEST_SERVER_URL = serverUrl;
  process.env.CDTG_TEST_TEMPLATE = template;
  const admin = new Client({ connectionString: adminUrl(serverUrl) });
  await admin.connect();
  const stale = (await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'cdtg_test_template_%'`)).rows as { datname: string }[];
  for (const { datname } of stale) {
    const created = parseInt(datname.split('_')[3] ?? '', 36);
    if (!(created > 0) || Date.now() - created > 24 * 3600_000) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
  await admin.query(`DROP DATABASE IF EXISTS cdtg_test_template WITH (FORCE)`); // the fixed name of earlier releases
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${template}`;
  await runMigrations(url.toString());
  process.env.CDTG_TEST_TEMPLATE_URL = url.toString();
}
