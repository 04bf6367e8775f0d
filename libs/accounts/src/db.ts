import { DB, queryBuilder } from '@cdtg/database';

/** The tables accounts owns. Typed SQL in this lib can name no other (typed-sql.ts in @cdtg/database); other libs read them through this lib's exports. */
export type AccountsTables = Pick<DB, 'auth_session' | 'one_time_token' | 'refresh_token' | 'role_grant' | 'sign_in_attempt' | 'user_account'>;

export const db = queryBuilder<AccountsTables>();
