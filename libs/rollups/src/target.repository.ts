import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DataScope, scopeFilter } from '@cdtg/access';
import { all, Executor } from '@cdtg/database';
import { unitFilter, unitsValidOnDays, UnitScope } from '@cdtg/geography';
import { db } from './db';

export interface TargetRow {
  unitId: string;
  measure: string;
  grain: string;
  periodStart: string;
  kind: string;
  value: number;
}

/** Every SQL statement about targets (coverage answers read them in their freshness statement: rollup.repository.ts). */
@Injectable()
export class TargetRepository {
  /** For each (code, day), the unit with that code valid on that day (geography's port): `i` is the 1-based index of the pair. */
  unitsValidOn(on: Executor, pairs: { code: string; day: string }[]): Promise<{ i: number; id: string; kind: string }[]> {
    return unitsValidOnDays(on, pairs);
  }

  /**
   * Upserts targets in one statement (the rows as one jsonb parameter); unchanged ones are left alone. Returns the rows
   * written with the value each replaced (null for a new one).
   */
  upsert(
    on: Executor,
    updatedBy: string,
    rows: Omit<TargetRow, never>[],
  ): Promise<{ unit_id: string; measure: string; grain: string; period_start: string; value: string; before: string | null }[]> {
    const given = sql<TargetRow>`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)`.as<'x'>(
      sql`x("unitId" uuid, measure text, grain text, "periodStart" date, kind text, value numeric)`,
    );
    return all(
      on,
      db
        .with('input', (qc) => qc.selectFrom(given).selectAll('x'))
        .with('old', (qc) =>
          qc
            .selectFrom('coverage_target as c')
            .innerJoin('input as i', (join) =>
              join
                .onRef('i.unitId', '=', 'c.unit_id')
                .onRef('i.measure', '=', 'c.measure')
                .onRef('i.grain', '=', 'c.grain')
                .onRef('i.periodStart', '=', 'c.period_start'),
            )
            .select(['c.unit_id', 'c.measure', 'c.grain', 'c.period_start', 'c.value']),
        )
        .with('up', (qc) =>
          qc
            .insertInto('coverage_target')
            .columns(['unit_id', 'measure', 'grain', 'period_start', 'kind', 'value', 'updated_by'])
            .expression(
              qc
                .selectFrom('input')
                .select((eb) => [
                  'input.unitId',
                  'input.measure',
                  'input.grain',
                  'input.periodStart',
                  'input.kind',
                  'input.value',
                  eb.val(updatedBy).as('updated_by'),
                ]),
            )
            .onConflict((oc) =>
              oc
                .columns(['unit_id', 'measure', 'grain', 'period_start'])
                .doUpdateSet((eb) => ({
                  value: eb.ref('excluded.value'),
                  kind: eb.ref('excluded.kind'),
                  updated_by: eb.ref('excluded.updated_by'),
                  updated_at: sql<Date>`now()`,
                }))
                .where((eb) => eb('coverage_target.value', 'is distinct from', eb.ref('excluded.value'))),
            )
            .returning(['unit_id', 'measure', 'grain', 'period_start', 'value']),
        )
        .selectFrom('up')
        .leftJoin('old', (join) =>
          join
            .onRef('old.unit_id', '=', 'up.unit_id')
            .onRef('old.measure', '=', 'up.measure')
            .onRef('old.grain', '=', 'up.grain')
            .onRef('old.period_start', '=', 'up.period_start'),
        )
        .select([
          'up.unit_id',
          'up.measure',
          'up.grain',
          'up.period_start',
          sql<string>`up.value::text`.as('value'),
          sql<string | null>`old.value::text`.as('before'),
        ]),
    );
  }

  /** Removes one target; true when there was one. */
  async remove(on: Executor, key: { unitId: string; measure: string; grain: string; periodStart: string }): Promise<{ value: string } | undefined> {
    const [row] = await all(
      on,
      db
        .deleteFrom('coverage_target')
        .where('unit_id', '=', key.unitId)
        .where('measure', '=', key.measure)
        .where('grain', '=', key.grain)
        .where('period_start', '=', sql<string>`${key.periodStart}::date`)
        .returning(sql<string>`value::text`.as('value')),
    );
    return row;
  }

  /** The targets set on the units of a subtree (and the earlier units that went into it) for one period, within `access`. */
  list(
    on: Executor,
    access: DataScope,
    subtree: UnitScope,
    grain: string,
    periodStart: string,
  ): Promise<{ unit_id: string; measure: string; kind: string; value: string; updated_by: string; updated_at: Date }[]> {
    let query = db
      .selectFrom('coverage_target as t')
      .select(['t.unit_id', 't.measure', 't.kind', sql<string>`t.value::text`.as('value'), 't.updated_by', 't.updated_at'])
      .where(unitFilter(subtree, 't.unit_id')!)
      .where('t.grain', '=', grain)
      .where('t.period_start', '=', sql<string>`${periodStart}::date`);
    const scoped = scopeFilter(access, { unit: 't.unit_id' });
    if (scoped) query = query.where(scoped);
    return all(on, query.orderBy('t.unit_id').orderBy('t.measure'));
  }
}
