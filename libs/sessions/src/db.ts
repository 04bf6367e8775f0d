import { DB, queryBuilder } from '@cdtg/database';

/** The tables sessions owns. Typed SQL in this lib can name no other (typed-sql.ts in @cdtg/database); other libs read them through this lib's exports. */
export type SessionsTables = Pick<DB, 'member_notice_preference' | 'session_assignment' | 'training_session' | 'training_session_schedule' | 'training_topic'>;

export const db = queryBuilder<SessionsTables>();
