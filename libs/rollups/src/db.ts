import { DB, queryBuilder } from '@cdtg/database';

/** The tables rollups owns. Typed SQL in this lib can name no other (typed-sql.ts in @cdtg/database); other libs read them through this lib's exports. */
export type RollupsTables = Pick<
  DB,
  | 'coverage_export'
  | 'coverage_target'
  | 'rollup_cell'
  | 'rollup_check'
  | 'rollup_entry_fact'
  | 'rollup_geography'
  | 'rollup_mapped_cell'
  | 'rollup_session_fact'
  | 'rollup_tree_cell'
  | 'rollup_volunteer_fact'
>;

export const db = queryBuilder<RollupsTables>();
