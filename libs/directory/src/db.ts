import { DB, queryBuilder } from '@cdtg/database';

/** The tables directory owns. Typed SQL in this lib can name no other (typed-sql.ts in @cdtg/database); other libs read them through this lib's exports. */
export type DirectoryTables = Pick<DB, 'directory_import' | 'member' | 'membership' | 'skill' | 'volunteer_group'>;

export const db = queryBuilder<DirectoryTables>();
