import { Expression, RawBuilder, sql, SqlBool } from 'kysely';

/** A unit (`alias`) valid on a date: both bounds inclusive, null meaning unbounded. */
export const validOn = (alias: string, asOf: string | Expression<string>): RawBuilder<SqlBool> =>
  sql<SqlBool>`(COALESCE(${sql.ref(`${alias}.valid_from`)}, '-infinity'::date) <= ${asOf}::date AND COALESCE(${sql.ref(`${alias}.valid_to`)}, 'infinity'::date) >= ${asOf}::date)`;

/** `column = ANY(ids)`, the list as one array parameter. */
export const anyUuid = (ids: readonly string[]) => sql<string>`ANY(${[...ids]}::uuid[])`;
