import { DB, queryBuilder } from '@cdtg/database';

/** The tables geography owns. Typed SQL in this lib can name no other (typed-sql.ts in @cdtg/database); other libs read them through this lib's exports. */
export type GeographyTables = Pick<DB, 'admin_unit' | 'reorganisation' | 'reorganisation_link' | 'unit_lineage' | 'geography_version'>;

export const db = queryBuilder<GeographyTables>();
