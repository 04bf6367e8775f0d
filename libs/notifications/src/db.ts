import { DB, queryBuilder } from '@cdtg/database';

/** The tables notifications owns. Typed SQL in this lib can name no other (typed-sql.ts in @cdtg/database); other libs read them through this lib's exports. */
export type NotificationsTables = Pick<DB, 'email_message' | 'notice' | 'notice_attempt' | 'notice_consent' | 'notice_provider_token'>;

export const db = queryBuilder<NotificationsTables>();
