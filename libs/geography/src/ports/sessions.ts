import { sql } from 'kysely';
import { all, anyOf, Executor, first } from '@cdtg/database';
import { db } from '../db';
import { UnitScope, unitFilter } from '../admin-unit.repository';

/* What sessions reads of geography: unit names, where a session may be held, whether a unit lies in an area. */

/** Unit names by id. */
export function unitNamesForSessions(on: Executor, unitIds: readonly string[]): Promise<{ id: string; name: string }[]> {
  return all(on, db.selectFrom('admin_unit').select(['id', 'name']).where('id', '=', anyOf(unitIds, 'uuid')));
}

/**
 * The commune-level unit (commune or special zone) that contains `unitId` or is it, with the unit's own kind and
 * validity (to check where a session may be held); null when the unit does not exist.
 */
export async function placeOfUnitForSessions(
  on: Executor,
  unitId: string,
): Promise<{ kind: string; validFrom: string | null; validTo: string | null; communePath: string | null } | null> {
  const row = await first(
    on,
    db
      .selectFrom('admin_unit as u')
      .select((eb) => [
        'u.kind',
        sql<string | null>`to_char(${sql.ref('u.valid_from')}, 'YYYY-MM-DD')`.as('validFrom'),
        sql<string | null>`to_char(${sql.ref('u.valid_to')}, 'YYYY-MM-DD')`.as('validTo'),
        eb
          .selectFrom('admin_unit as a')
          .select('a.path')
          .where('a.id', '=', sql<string>`ANY(string_to_array(trim(both '/' from ${sql.ref('u.path')}), '/')::uuid[])`)
          .where('a.kind', 'in', [sql.lit('commune'), sql.lit('special_zone')])
          .orderBy('a.depth', 'desc')
          .limit(1)
          .$asScalar()
          .as('communePath'),
      ])
      .where('u.id', '=', unitId),
  );
  return row ?? null;
}

/** Whether `unitId` lies in an area (a subtree as of a date, with the older units that went into it). */
export async function unitInAreaForSessions(on: Executor, unitId: string, area: UnitScope): Promise<boolean> {
  const row = await first(
    on,
    db
      .selectFrom('admin_unit as x')
      .select(sql<number>`1`.as('one'))
      .where(unitFilter(area, 'x.id')!)
      .where('x.id', '=', unitId),
  );
  return row !== undefined;
}
