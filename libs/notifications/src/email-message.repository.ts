import { affected, all, Executor } from '@cdtg/database';
import { db } from './db';

/** Every SQL statement about queued e-mails. */

/** Queues an e-mail row; returns its id, or null when a row with the same dedupe key exists. */
export async function insertEmail(
  on: Executor,
  email: { dedupeKey: string; to: string; language: string; template: string; params: string },
): Promise<string | null> {
  const rows = await all(
    on,
    db
      .insertInto('email_message')
      .values({ dedupe_key: email.dedupeKey, to_address: email.to, language: email.language, template: email.template, params: email.params })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id'),
  );
  return rows[0]?.id ?? null;
}

/** Replaces a sent e-mail's parameters (`params`: JSON text). */
export async function replaceParams(on: Executor, id: string, params: string): Promise<void> {
  await affected(on, db.updateTable('email_message').set({ params }).where('id', '=', id));
}

/** Counts a failed delivery attempt on an e-mail not sent yet. */
export async function recordFailedAttempt(on: Executor, id: string, error: string): Promise<void> {
  await affected(
    on,
    db
      .updateTable('email_message')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error }))
      .where('id', '=', id)
      .where('status', '<>', 'sent'),
  );
}
