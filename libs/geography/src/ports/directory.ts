import { sql, SqlBool } from 'kysely';
import { all, Executor } from '@cdtg/database';
import { db } from '../db';

/*
 * What directory reads of the administrative tree (docs/boundaries.md: geography owns admin_unit).
 */

/** Unit code → id: of each code, the version valid on `today`, else the latest version. */
export function unitIdsByCode(on: Executor, codes: string[], today: string): Promise<{ code: string; id: string }[]> {
  const validToday = sql<boolean>`(COALESCE(valid_from, '-infinity'::date) <= ${today}::date AND COALESCE(valid_to, 'infinity'::date) >= ${today}::date)`;
  return all(
    on,
    db
      .selectFrom('admin_unit')
      .distinctOn('code')
      .select(['code', 'id'])
      .where(sql<SqlBool>`code = ANY(${codes})`)
      .orderBy('code')
      .orderBy(validToday, 'desc')
      .orderBy(sql`COALESCE(valid_to, 'infinity'::date)`, 'desc'),
  );
}

/** The units (every version) with one of `codes`, as a subquery of (id, code) to join. */
export function unitsWithCodes(codes: string[]) {
  return db
    .selectFrom('admin_unit as u')
    .select(['u.id', 'u.code'])
    .where(sql<SqlBool>`${sql.ref('u.code')} = ANY(${codes})`);
}
