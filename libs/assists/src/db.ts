import { DB, queryBuilder } from '@cdtg/database';

/** The tables assists owns. Typed SQL in this lib can name no other (typed-sql.ts in @cdtg/database); other libs read them through this lib's exports. */
export type AssistsTables = Pick<DB, 'assist_entry' | 'household' | 'household_count' | 'household_key'>;

export const db = queryBuilder<AssistsTables>();
