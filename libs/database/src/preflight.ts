import { Client } from 'pg';
import { redactUrl } from '@cdtg/config';

/** Connects once so that a wrong DATABASE_URL fails start-up with one line naming it, not a retry loop. */
export async function assertDatabaseReachable(url: string, variable = 'DATABASE_URL'): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`${variable}=${redactUrl(url)} is not usable: ${(error as Error).message || String(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
