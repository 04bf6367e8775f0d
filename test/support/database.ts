import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { adminUrl, templateDatabase } from './test-env';

export interface TestDatabase {
  url: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file: a clone of the template made by global setup. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.CDTG_TEST_SERVER_URL;
  if (!server) throw new Error('CDTG_TEST_SERVER_URL is not set: run tests through jest (global setup)');
  const name = `cdtg_test_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl(server) });
  await admin.connect();
  // CREATE DATABASE … TEMPLATE fails while another session is connected to the template; retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateDatabase()}`);
      break;
    } catch (error) {
      if (attempt > 20) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return {
    url: url.toString(),
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    drop: async () => {
      await client.end();
      const dropper = new Client({ connectionString: adminUrl(server) });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
