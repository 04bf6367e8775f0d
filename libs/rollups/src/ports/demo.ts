import { sql } from 'kysely';
import { all, Executor } from '@cdtg/database';
import { adminUnitsForRollups, validOn } from '@cdtg/geography';
import { db } from '../db';

export interface DemoTarget {
  measure: string;
  grain: 'M' | 'Q' | 'Y';
  periodStart: string;
  kind: 'percent' | 'count';
  value: number;
}

/**
 * The demo city's targets: each target for every commune and special zone in force on `day` under the province
 * `provinceCode`, once (nothing when the province's units have targets already). Returns the targets written.
 */
export async function insertDemoTargets(on: Executor, provinceCode: string, day: string, targets: DemoTarget[]): Promise<number> {
  const rows = await all(
    on,
    db
      .insertInto('coverage_target')
      .columns(['unit_id', 'measure', 'grain', 'period_start', 'kind', 'value', 'updated_by'])
      .expression(
        db
          .selectFrom(adminUnitsForRollups().as('p'))
          .innerJoin(adminUnitsForRollups().as('c'), (join) =>
            join
              .on('c.path', 'like', sql<string>`${sql.ref('p.path')} || '%'`)
              .on('c.kind', 'in', ['commune', 'special_zone'])
              .on(validOn('c', day)),
          )
          .crossJoin(
            sql<DemoTarget>`jsonb_to_recordset(${JSON.stringify(targets)}::jsonb)`.as<'t'>(
              sql`t(measure text, grain text, "periodStart" date, kind text, value numeric)`,
            ),
          )
          .select(['c.id', 't.measure', 't.grain', 't.periodStart', 't.kind', 't.value', sql<string>`'system:demo'`.as('updated_by')])
          .where('p.code', '=', provinceCode)
          .where('p.kind', '=', 'province')
          .where(validOn('p', day))
          .where(({ not, exists, selectFrom }) => not(exists(selectFrom('coverage_target').select('unit_id').where('updated_by', '=', 'system:demo')))),
      )
      .onConflict((oc) => oc.doNothing())
      .returning('unit_id'),
  );
  return rows.length;
}
