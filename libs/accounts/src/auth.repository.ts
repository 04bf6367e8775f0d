import { sql } from 'kysely';
import { affected, all, Executor, first, hydrate } from '@cdtg/database';
import { EntityManager } from 'typeorm';
import { db } from './db';
import { OneTimeToken, TokenPurpose } from './one-time-token.entity';
import { AttemptKind } from './sign-in-attempt.entity';

/** The statements of signing in: sessions, refresh and one-time tokens, sign-in attempts. */

/** Serialises everything that signs in, or invites, one address (held to the end of the transaction). */
export async function lockAddress(on: Executor, email: string): Promise<void> {
  await all(on, sql`SELECT pg_advisory_xact_lock(hashtext(${`sign-in:${email}`}))`);
}

/** Marks an unused refresh token used; the session it belongs to, when it was unused. */
export async function useRefreshToken(on: Executor, hash: string): Promise<string | undefined> {
  const rows = await all(
    on,
    db
      .updateTable('refresh_token')
      .set({ used_at: sql`now()` })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .returning('session_id'),
  );
  return rows[0]?.session_id;
}

/** The session of a refresh token, used or not. */
export async function sessionOfRefreshToken(on: Executor, hash: string): Promise<string | undefined> {
  return (await first(on, db.selectFrom('refresh_token').select('session_id').where('token_hash', '=', hash)))?.session_id;
}

/** Revokes the active sessions (one, or all of a user); the ones it revoked. */
export function revokeSessions(on: Executor, which: { sessionId: string } | { userId: string }, reason: string) {
  let query = db.updateTable('auth_session').set({ revoked_at: sql`now()`, revoked_reason: reason });
  query = 'sessionId' in which ? query.where('id', '=', which.sessionId) : query.where('user_id', '=', which.userId);
  return all(on, query.where('revoked_at', 'is', null).returning(['id', 'user_id']));
}

/** Revokes every active session of a user but one (after a password change). */
export function revokeOtherSessions(on: Executor, userId: string, keptSessionId: string, reason: string): Promise<number> {
  return affected(
    on,
    db
      .updateTable('auth_session')
      .set({ revoked_at: sql`now()`, revoked_reason: reason })
      .where('user_id', '=', userId)
      .where('id', '<>', keptSessionId)
      .where('revoked_at', 'is', null),
  );
}

/** Earlier unused one-time tokens of a purpose stop working. */
export function retireTokens(on: Executor, userId: string, purpose: TokenPurpose): Promise<number> {
  return affected(
    on,
    db
      .updateTable('one_time_token')
      .set({ used_at: sql`now()` })
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null),
  );
}

/** How many one-time tokens of a purpose a user was sent in the last 15 minutes. */
export async function recentTokens(on: Executor, userId: string, purpose: TokenPurpose): Promise<number> {
  const row = await first(
    on,
    db
      .selectFrom('one_time_token')
      .select(sql<number>`count(*)::int`.as('recent'))
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('created_at', '>', sql<Date>`now() - interval '15 minutes'`),
  );
  return row!.recent;
}

/** The one-time token with this hash and purpose, locked for the rest of the transaction. */
export async function tokenForUpdate(manager: EntityManager, hash: string, purpose: TokenPurpose): Promise<OneTimeToken | null> {
  const row = await first(
    manager,
    db.selectFrom('one_time_token as t').selectAll('t').where('t.token_hash', '=', hash).where('t.purpose', '=', purpose).forUpdate(),
  );
  return row ? hydrate(manager.connection, OneTimeToken, row) : null;
}

/** Failed sign-ins of an account, and counted attempts from an address, since `since`, with the oldest of each. */
export async function attemptCounts(on: Executor, email: string | null, address: string, since: { at: Date; seconds: number }) {
  const row = await first(
    on,
    db
      .selectFrom('sign_in_attempt')
      .select((eb) => {
        const accountFailure = eb.and([eb('email', '=', email), eb.not(eb.ref('succeeded')), eb('kind', '=', AttemptKind.Password)]);
        const fromAddress = eb.and([
          eb('address', '=', address),
          eb.or([eb.not(eb.ref('succeeded')), eb('kind', 'in', [AttemptKind.LinkRequest, AttemptKind.ResetRequest])]),
        ]);
        return [
          eb.cast<number>(eb.fn.countAll().filterWhere(accountFailure), 'integer').as('account_failures'),
          eb.fn.min<Date | null>('at').filterWhere(accountFailure).as('account_oldest'),
          eb.cast<number>(eb.fn.countAll().filterWhere(fromAddress), 'integer').as('address_count'),
          eb.fn.min<Date | null>('at').filterWhere(fromAddress).as('address_oldest'),
        ];
      })
      .where('at', '>', sql<Date>`${since.at}::timestamptz - make_interval(secs => ${since.seconds})`)
      .where((eb) => eb.or([eb('email', '=', email), eb('address', '=', address)])),
  );
  return row!;
}

export function recordAttempt(
  on: Executor,
  attempt: { email: string | null; address: string; kind: AttemptKind; succeeded: boolean; at: Date },
): Promise<number> {
  return affected(on, db.insertInto('sign_in_attempt').values(attempt));
}

/** Drops attempts older than 30 days before `now`. */
export function pruneAttempts(on: Executor, now: Date): Promise<number> {
  return affected(on, db.deleteFrom('sign_in_attempt').where('at', '<', sql<Date>`${now}::timestamptz - interval '30 days'`));
}
