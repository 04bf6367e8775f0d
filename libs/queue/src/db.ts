import { DB, queryBuilder } from '@cdtg/database';

/** The tables queue owns. Typed SQL in this lib can name no other (typed-sql.ts in @cdtg/database); other libs read them through this lib's exports. */
export type QueueTables = Pick<DB, 'change_event' | 'outbox_message'>;

export const db = queryBuilder<QueueTables>();
