import { EntityManager } from 'typeorm';
import { Expression, sql } from 'kysely';
import { affected, all, anyOf } from '@cdtg/database';
import { db } from './db';

/** The root kept for a unit, if any (a scalar subquery). */
const keptRoot = (unitId: Expression<string>) => db.selectFrom('unit_lineage').select('root_id').where('unit_id', '=', unitId);

/**
 * The lineage root of each unit: the earliest version of the same place. A unit continues another when a
 * reorganisation carried the whole of it, and nothing else, into it as a unit of the same kind (a re-parented
 * residential group, a renamed commune, a code changed): one link out of the old unit, one link into the new one,
 * share full. Merges and splits start a new place.
 *
 * A root is worked out the first time a unit is asked about and then kept (unit_lineage), and the walk back stops at
 * the first unit whose root is kept: households are keyed by their place, so a place must not move when links are
 * corrected or added afterwards (a correction that turns a split into a continuation leaves the places already given
 * as they were; the units asked about for the first time after it follow the corrected links).
 */
export async function lineageRoots(manager: EntityManager, unitIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(unitIds)];
  if (!ids.length) return new Map();
  const walk = db
    .withRecursive('walk(origin, id, depth, kept)', (qb) =>
      qb
        .selectFrom(sql<{ u: string }>`unnest(${ids}::uuid[])`.as('u'))
        .select((eb) => ['u.u as origin', 'u.u as id', sql<number>`0`.as('depth'), keptRoot(eb.ref('u.u')).as('kept')])
        .unionAll(
          qb
            .selectFrom('walk as w')
            .innerJoin('reorganisation_link as l', (join) => join.onRef('l.to_unit_id', '=', 'w.id').on('l.share', '=', 'full'))
            .innerJoin('admin_unit as f', 'f.id', 'l.from_unit_id')
            .innerJoin('admin_unit as t', (join) => join.onRef('t.id', '=', 'l.to_unit_id').onRef('t.kind', '=', 'f.kind'))
            .select((eb) => ['w.origin', 'l.from_unit_id as id', sql<number>`w.depth + 1`.as('depth'), keptRoot(eb.ref('l.from_unit_id')).as('kept')])
            .where('w.kept', 'is', null)
            .where('w.depth', '<', 30)
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('reorganisation_link as o')
                    .select(sql`1`.as('one'))
                    .whereRef('o.to_unit_id', '=', 'l.to_unit_id')
                    .whereRef('o.id', '<>', 'l.id'),
                ),
              ),
            )
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('reorganisation_link as o')
                    .select(sql`1`.as('one'))
                    .whereRef('o.from_unit_id', '=', 'l.from_unit_id')
                    .whereRef('o.id', '<>', 'l.id'),
                ),
              ),
            ),
        ),
    )
    .selectFrom('walk')
    .distinctOn('walk.origin')
    .select([
      sql<string>`walk.origin`.as('origin'),
      sql<string>`COALESCE(walk.kept, walk.id)`.as('root'),
      sql<boolean>`walk.depth = 0 AND walk.kept IS NOT NULL`.as('known'),
    ])
    .orderBy('walk.origin')
    .orderBy('walk.depth', 'desc');
  const rows = await all(manager, walk);
  const fresh = rows.filter((r) => !r.known);
  if (fresh.length) {
    // Kept from now on; of two transactions fixing the same unit at once, the first one's root stands.
    const given = JSON.stringify(fresh.map((r) => ({ unit: r.origin, root: r.root })));
    await affected(
      manager,
      db
        .insertInto('unit_lineage')
        .columns(['unit_id', 'root_id'])
        .expression(
          db
            .selectFrom(sql<{ unit: string; root: string }>`jsonb_to_recordset(${given}::jsonb)`.as<'x'>(sql`x(unit uuid, root uuid)`))
            .select(['x.unit', 'x.root'])
            .orderBy('x.unit'),
        )
        .onConflict((oc) => oc.column('unit_id').doNothing()),
    );
    const kept = await all(
      manager,
      db
        .selectFrom('unit_lineage')
        .select(['unit_id', 'root_id'])
        .where(
          'unit_id',
          '=',
          anyOf(
            fresh.map((r) => r.origin),
            'uuid',
          ),
        ),
    );
    for (const k of kept) {
      const row = rows.find((r) => r.origin === k.unit_id);
      if (row) row.root = k.root_id;
    }
  }
  return new Map(rows.map((r) => [r.origin, r.root]));
}
