import { sql } from 'kysely';
import { all, Executor } from '@cdtg/database';

/** Takes the transaction-level advisory lock of one seed: a second loader waits, then sees the first one's rows and skips. */
export async function lockSeed(on: Executor, name: string): Promise<void> {
  await all(on, sql`SELECT pg_advisory_xact_lock(hashtext(${name}))`);
}
