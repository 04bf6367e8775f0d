import { Expression, RawBuilder, sql, SqlBool } from 'kysely';

/**
 * The one rule of a unit's validity: the unit (`alias`) is in force on a day, both bounds inclusive, null meaning
 * unbounded. Other libs that join units (through geography's ports) use it too.
 */
export const validOn = (alias: string, asOf: string | Expression<string>): RawBuilder<SqlBool> =>
  sql<SqlBool>`(COALESCE(${sql.ref(`${alias}.valid_from`)}, '-infinity'::date) <= ${asOf}::date AND COALESCE(${sql.ref(`${alias}.valid_to`)}, 'infinity'::date) >= ${asOf}::date)`;
