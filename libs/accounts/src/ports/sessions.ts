import { Executor, first } from '@cdtg/database';
import { db } from '../db';

/* What sessions reads of accounts: the e-mail, language and status of members' accounts, and an account's member. */

/** Accounts bound to members, with what notices use: a subquery to left-join on `member_id`. */
export function memberAccountsForSessions() {
  return db.selectFrom('user_account').select(['member_id', 'email', 'language', 'status']);
}

/** The member linked to an account (volunteers and leads), if any. */
export async function memberOfAccountForSessions(on: Executor, userId: string): Promise<string | null> {
  const row = await first(on, db.selectFrom('user_account').select('member_id').where('id', '=', userId));
  return row?.member_id ?? null;
}
