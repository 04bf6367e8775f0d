import { SelectQueryBuilder, sql, SqlBool } from 'kysely';
import { all, anyOf, Executor } from '@cdtg/database';
import { db } from '../db';
import { validOn } from '../unit-sql';

/*
 * What assists reads of the administrative tree (docs/boundaries.md: geography owns admin_unit and reorganisation_link).
 */

/** A unit as the assistance log checks it, with whether it lies in a group's area. */
export interface UnitInArea {
  id: string;
  kind: string;
  name: string;
  type_word: string;
  valid_from: string | null;
  valid_to: string | null;
  in_area: boolean;
}

/**
 * The units among `unitIds`, each with whether it lies in the area of the unit `groupUnit` (a group's unit, given as a
 * subquery of its unit_id so the caller's lookup stays in this one statement): that unit's subtree, and through reorganisations
 * what it became and what became part of it. A unit is in the area when it, or a unit linked to it forward or
 * backward, lies under the group's unit, or when it is one of the group's unit's successors.
 */
export function unitsInGroupArea(
  on: Executor,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- another lib's subquery: only its one column is typed
  groupUnit: SelectQueryBuilder<any, any, { unit_id: string }>,
  unitIds: string[],
): Promise<UnitInArea[]> {
  // unnest(…) AS x(u): the units asked about, as a table (Kysely has no builder for a set-returning function).
  const given = () => sql<{ u: string }>`unnest(${unitIds}::uuid[])`.as<'x'>(sql`x(u)`);
  // The first CTE opens WITH RECURSIVE (Kysely writes the keyword only when the first one is recursive).
  const query = db
    .withRecursive('g', (qb) => qb.selectFrom('admin_unit as a').select(['a.id', 'a.path']).where('a.id', 'in', groupUnit))
    .withRecursive('succ(id)', (qb) =>
      qb
        .selectFrom('g')
        .select('g.id')
        .union(
          qb
            .selectFrom('reorganisation_link as l')
            .innerJoin('succ as s', 'l.from_unit_id', 's.id')
            .select('l.to_unit_id as id')
            .where('l.to_unit_id', 'is not', null)
            .$narrowType<{ id: string }>(),
        ),
    )
    .withRecursive('back(origin, id)', (qb) =>
      qb
        .selectFrom(given())
        .select(['x.u as origin', 'x.u as id'])
        .union(qb.selectFrom('reorganisation_link as l').innerJoin('back as b', 'l.to_unit_id', 'b.id').select(['b.origin', 'l.from_unit_id as id'])),
    )
    .withRecursive('fwd(origin, id)', (qb) =>
      qb
        .selectFrom(given())
        .select(['x.u as origin', 'x.u as id'])
        .union(
          qb
            .selectFrom('reorganisation_link as l')
            .innerJoin('fwd as f', 'l.from_unit_id', 'f.id')
            .select(['f.origin', 'l.to_unit_id as id'])
            .where('l.to_unit_id', 'is not', null)
            .$narrowType<{ id: string }>(),
        ),
    )
    .with('linked(origin, id)', (qb) =>
      qb
        .selectFrom('back')
        .select(['back.origin', 'back.id'])
        .union(qb.selectFrom('fwd').select(['fwd.origin', 'fwd.id'])),
    )
    .with('inside', (qb) =>
      qb
        .selectFrom('linked as k')
        .innerJoin('admin_unit as a', 'a.id', 'k.id')
        .innerJoin('g', (join) => join.on(sql<SqlBool>`${sql.ref('a.path')} LIKE ${sql.ref('g.path')} || '%'`))
        .select('k.origin as id')
        .distinct()
        .union(qb.selectFrom('succ').select('succ.id')),
    )
    .selectFrom('admin_unit as u')
    .select((eb) => [
      'u.id',
      'u.kind',
      'u.name',
      'u.type_word',
      'u.valid_from',
      'u.valid_to',
      eb('u.id', 'in', eb.selectFrom('inside').select('inside.id')).$castTo<boolean>().as('in_area'),
    ])
    .where('u.id', '=', anyOf(unitIds, 'uuid'));
  return all(on, query);
}

/**
 * For each (code, day), the unit with that code valid on that day, by position: `i` is the 1-based index of the pair.
 * Pairs with no such unit are left out.
 */
export function unitsValidOnDays(on: Executor, pairs: { code: string; day: string }[]): Promise<{ i: number; id: string; kind: string }[]> {
  // unnest(…) WITH ORDINALITY: the pairs as a table, numbered (Kysely has no builder for a set-returning function).
  const asked = sql<{ code: string; day: string; i: string }>`unnest(${pairs.map((p) => p.code)}::text[], ${pairs.map((p) => p.day)}::date[]) WITH ORDINALITY`;
  return all(
    on,
    db
      .selectFrom(asked.as<'x'>(sql`x(code, day, i)`))
      .innerJoin('admin_unit as u', (join) => join.onRef('u.code', '=', 'x.code').on(validOn('u', sql.ref<string>('x.day'))))
      .select([sql<number>`${sql.ref('x.i')}::int`.as('i'), 'u.id', 'u.kind']),
  );
}

/** Every unit's name and type word, as a subquery to join (the assistance log labels households by the unit they were seen in). */
export function unitLabels() {
  return db.selectFrom('admin_unit').select(['admin_unit.id', 'admin_unit.name', 'admin_unit.type_word']);
}
