import { Client } from 'pg';
import { adminUrl } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const server = process.env.CDTG_TEST_SERVER_URL;
  const template = process.env.CDTG_TEST_TEMPLATE;
  if (server && template) {
    const admin = new Client({ connectionString: adminUrl(server) });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
  await (globalThis as { __embeddedPostgres?: { stop(): Promise<void> } }).__embeddedPostgres?.stop();
}
