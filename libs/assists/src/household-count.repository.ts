import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DataScope, scopeFilter } from '@cdtg/access';
import { all, Executor, first } from '@cdtg/database';
import { unitFilter, unitsValidOnDays, UnitScope } from '@cdtg/geography';
import { db } from './db';

/** Every SQL statement about household counts. */
@Injectable()
export class HouseholdCountRepository {
  /** Who last wrote a figure, and when. */
  written(on: Executor, unitId: string, asOf: string): Promise<{ updated_by: string; updated_at: Date } | undefined> {
    return first(on, db.selectFrom('household_count').select(['updated_by', 'updated_at']).where('unit_id', '=', unitId).where('as_of', '=', asOf));
  }

  /** For each (code, day), the unit with that code valid on that day (geography's port): `i` is the 1-based index of the pair. */
  unitsValidOn(on: Executor, pairs: { code: string; day: string }[]): Promise<{ i: number; id: string; kind: string }[]> {
    return unitsValidOnDays(on, pairs);
  }

  /** The latest figure (as of `subtree.asOf`) of every unit with one in the subtree, within `access`. */
  latest(
    on: Executor,
    access: DataScope,
    subtree: UnitScope,
  ): Promise<{ unit_id: string; as_of: string; households: number; updated_by: string; updated_at: Date }[]> {
    let query = db
      .selectFrom('household_count as c')
      .distinctOn('c.unit_id')
      .select(['c.unit_id', 'c.as_of', 'c.households', 'c.updated_by', 'c.updated_at'])
      .where(unitFilter(subtree, 'c.unit_id')!)
      .where('c.as_of', '<=', sql<string>`${subtree.asOf}::date`);
    const scoped = scopeFilter(access, { unit: 'c.unit_id' });
    if (scoped) query = query.where(scoped);
    return all(on, query.orderBy('c.unit_id').orderBy('c.as_of', 'desc'));
  }

  /**
   * Upserts counts in one statement (the rows travel as one jsonb parameter); rows whose figure is unchanged are left
   * alone. Returns the rows written, each with the figure it replaced (null for a new one).
   */
  upsert(
    on: Executor,
    updatedBy: string,
    rows: { unitId: string; asOf: string; households: number }[],
  ): Promise<{ unit_id: string; as_of: string; households: number; before: number | null }[]> {
    const given = sql<{ unitId: string; asOf: string; households: number }>`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)`.as<'x'>(
      sql`x("unitId" uuid, "asOf" date, households int)`,
    );
    return all(
      on,
      db
        .with('input', (qc) => qc.selectFrom(given).selectAll('x'))
        .with('old', (qc) =>
          qc
            .selectFrom('household_count as c')
            .innerJoin('input as i', (join) => join.onRef('i.unitId', '=', 'c.unit_id').onRef('i.asOf', '=', 'c.as_of'))
            .select(['c.unit_id', 'c.as_of', 'c.households']),
        )
        .with('up', (qc) =>
          qc
            .insertInto('household_count')
            .columns(['unit_id', 'as_of', 'households', 'updated_by'])
            .expression(qc.selectFrom('input').select((eb) => ['input.unitId', 'input.asOf', 'input.households', eb.val(updatedBy).as('updated_by')]))
            .onConflict((oc) =>
              oc
                .columns(['unit_id', 'as_of'])
                .doUpdateSet((eb) => ({ households: eb.ref('excluded.households'), updated_by: eb.ref('excluded.updated_by'), updated_at: sql<Date>`now()` }))
                .where((eb) => eb('household_count.households', 'is distinct from', eb.ref('excluded.households'))),
            )
            .returning(['unit_id', 'as_of', 'households']),
        )
        .selectFrom('up')
        .leftJoin('old', (join) => join.onRef('old.unit_id', '=', 'up.unit_id').onRef('old.as_of', '=', 'up.as_of'))
        .select(['up.unit_id', 'up.as_of', 'up.households', 'old.households as before']),
    );
  }
}
