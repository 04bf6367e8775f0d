import { sql } from 'kysely';
import { all, anyOf, Executor } from '@cdtg/database';
import { db } from '../db';
import { validOn } from '../unit-sql';

/*
 * What directory reads of the administrative tree (docs/boundaries.md: geography owns admin_unit).
 */

/** Unit code → id: of each code, the version valid on `today`, else the latest version. */
export function unitIdsByCode(on: Executor, codes: string[], today: string): Promise<{ code: string; id: string }[]> {
  return all(
    on,
    db
      .selectFrom('admin_unit')
      .distinctOn('code')
      .select(['code', 'id'])
      .where('code', '=', anyOf(codes, 'text'))
      .orderBy('code')
      .orderBy(validOn('admin_unit', today), 'desc')
      .orderBy(sql`COALESCE(valid_to, 'infinity'::date)`, 'desc'),
  );
}

/** The units (every version) with one of `codes`, as a subquery of (id, code) to join. */
export function unitsWithCodes(codes: string[]) {
  return db.selectFrom('admin_unit as u').select(['u.id', 'u.code']).where('u.code', '=', anyOf(codes, 'text'));
}
