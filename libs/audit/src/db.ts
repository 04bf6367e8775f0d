import { DB, queryBuilder } from '@cdtg/database';

/** The tables audit owns. Typed SQL in this lib can name no other (typed-sql.ts in @cdtg/database); other libs read them through this lib's exports. */
export type AuditTables = Pick<DB, 'audit_event'>;

export const db = queryBuilder<AuditTables>();
