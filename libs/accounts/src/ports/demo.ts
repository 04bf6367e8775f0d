import { sql } from 'kysely';
import { all, Executor, first } from '@cdtg/database';
import { db } from '../db';

/*
 * Ports for @cdtg/demo, which writes its published demo accounts straight into a database without accounts (in its
 * caller's transaction): no invitation, no audit of the grant, the password already hashed.
 */

/** True when any user account exists: the demo accounts are written only into a database without accounts. */
export async function hasUserAccounts(on: Executor): Promise<boolean> {
  return (
    (await first(
      on,
      db
        .selectFrom('user_account')
        .select(sql<number>`1`.as('one'))
        .limit(1),
    )) !== undefined
  );
}

export interface DemoAccountRow {
  email: string;
  displayName: string;
  nameSearch: string;
  passwordHash: string;
  memberId: string | null;
  role: string;
  unitId: string | null;
  groupId: string | null;
}

/** An active account and its one grant. */
export async function insertDemoAccount(on: Executor, account: DemoAccountRow): Promise<void> {
  const [user] = await all(
    on,
    db
      .insertInto('user_account')
      .values({
        email: account.email,
        display_name: account.displayName,
        name_search: account.nameSearch,
        password_hash: account.passwordHash,
        status: 'active',
        member_id: account.memberId,
      })
      .returning('id'),
  );
  await all(on, db.insertInto('role_grant').values({ user_id: user.id, role: account.role, unit_id: account.unitId, group_id: account.groupId }));
}
