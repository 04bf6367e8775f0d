import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RawBuilder, sql, SqlBool } from 'kysely';
import { all, anyOf, Executor, hydrate } from '@cdtg/database';
import { AdminUnit, UnitKind } from './admin-unit.entity';
import { db } from './db';
import { validOn } from './unit-sql';

export interface UnitLink {
  unit: AdminUnit;
  share: 'full' | 'partial';
  fraction: number;
  fractionEstimated: boolean;
  effectiveDate: string;
}

/** Units with every column, to hydrate as entities. */
const unitRows = () => db.selectFrom('admin_unit as u').selectAll('u');

/** Every SQL statement about the administrative tree. */
@Injectable()
export class AdminUnitRepository {
  constructor(private readonly dataSource: DataSource) {}

  private async units(on: Executor, query: ReturnType<typeof unitRows>): Promise<AdminUnit[]> {
    return (await all(on, query)).map((row) => hydrate(this.dataSource, AdminUnit, row));
  }

  byIds(ids: readonly string[]): Promise<AdminUnit[]> {
    return ids.length ? this.units(this.dataSource, unitRows().where('u.id', '=', anyOf(ids, 'uuid'))) : Promise.resolve([]);
  }

  async byCode(code: string, asOf: string): Promise<AdminUnit | null> {
    const [unit] = await this.units(this.dataSource, unitRows().where('u.code', '=', code).where(validOn('u', asOf)));
    return unit ?? null;
  }

  /** Every version of a code, oldest first. */
  versions(code: string, manager: EntityManager = this.dataSource.manager): Promise<AdminUnit[]> {
    return this.units(
      manager,
      unitRows()
        .where('u.code', '=', code)
        .orderBy(sql`COALESCE(u.valid_from, '-infinity'::date)`),
    );
  }

  children(parentId: string, asOf: string): Promise<AdminUnit[]> {
    return this.units(this.dataSource, unitRows().where('u.parent_id', '=', parentId).where(validOn('u', asOf)).orderBy('u.code'));
  }

  /** Descendants valid on `asOf` (not the unit itself), optionally of some kinds; one index range scan on path. */
  subtree(unit: AdminUnit, asOf: string, kinds?: UnitKind[]): Promise<AdminUnit[]> {
    let query = unitRows().where('u.path', 'like', `${unit.path}%`).where('u.id', '<>', unit.id).where(validOn('u', asOf));
    if (kinds?.length) query = query.where('u.kind', '=', anyOf(kinds, 'text'));
    return this.units(this.dataSource, query.orderBy('u.depth').orderBy('u.code'));
  }

  /** The unit's ancestors, root first. */
  async ancestors(unit: AdminUnit): Promise<AdminUnit[]> {
    const ids = unit.path.split('/').filter((id) => id && id !== unit.id);
    const found = await this.byIds(ids);
    return found.sort((a, b) => a.depth - b.depth);
  }

  /**
   * Where a unit's territory went: every later unit reached through reorganisation links, with the fraction of the
   * original unit it received (fractions multiply along a chain). `direction` 'back' answers "what was this before".
   */
  async lineage(unitId: string, direction: 'forward' | 'back'): Promise<UnitLink[]> {
    const [from, to] = direction === 'forward' ? (['l.from_unit_id', 'l.to_unit_id'] as const) : (['l.to_unit_id', 'l.from_unit_id'] as const);
    const query = db
      .withRecursive('chain(unit_id, fraction, estimated, partial, effective_date, depth)', (qb) =>
        qb
          .selectFrom('reorganisation_link as l')
          .innerJoin('reorganisation as r', 'r.id', 'l.reorganisation_id')
          .select((eb) => [
            eb.ref(to).as('unit_id'),
            sql<number>`l.fraction::float8`.as('fraction'),
            'l.fraction_estimated as estimated',
            sql<boolean>`l.share = 'partial'`.as('partial'),
            'r.effective_date',
            sql<number>`1`.as('depth'),
          ])
          .where(from, '=', unitId)
          .where(to, 'is not', null)
          .unionAll(
            qb
              .selectFrom('chain as c')
              .innerJoin('reorganisation_link as l', from, 'c.unit_id')
              .innerJoin('reorganisation as r', 'r.id', 'l.reorganisation_id')
              .select((eb) => [
                eb.ref(to).as('unit_id'),
                sql<number>`c.fraction * l.fraction::float8`.as('fraction'),
                sql<boolean>`c.estimated OR l.fraction_estimated`.as('estimated'),
                sql<boolean>`c.partial OR l.share = 'partial'`.as('partial'),
                'r.effective_date',
                sql<number>`c.depth + 1`.as('depth'),
              ])
              .where(to, 'is not', null)
              .where('c.depth', '<', 20),
          ),
      )
      .selectFrom('chain')
      .select((eb) => [
        eb.ref('chain.unit_id').$castTo<string>().as('unit_id'),
        eb.ref('chain.fraction').$castTo<number>().as('fraction'),
        eb.ref('chain.estimated').$castTo<boolean>().as('estimated'),
        eb.ref('chain.partial').$castTo<boolean>().as('partial'),
        sql<string>`chain.effective_date::text`.as('effective_date'),
        eb.ref('chain.depth').$castTo<number>().as('depth'),
      ])
      .orderBy('chain.depth')
      .orderBy('chain.unit_id');
    const rows = await all(this.dataSource, query);
    const units = new Map((await this.byIds([...new Set(rows.map((r) => r.unit_id))])).map((u) => [u.id, u]));
    // Nearest first, then by code: a stable order for clients and tests.
    rows.sort((a, b) => a.depth - b.depth || units.get(a.unit_id)!.code.localeCompare(units.get(b.unit_id)!.code));
    return rows.map((r) => ({
      unit: units.get(r.unit_id)!,
      share: r.partial ? 'partial' : 'full',
      fraction: Math.round(r.fraction * 100000) / 100000,
      fractionEstimated: r.estimated,
      effectiveDate: r.effective_date,
    }));
  }
}

export interface UnitScope {
  /** Path of the unit followed by %, and the date the tree is read on. */
  pathPrefix: string;
  asOf: string;
}

/**
 * The units of a unit subtree as of a date (the unit given by its path followed by %; a parameter, so the planner uses
 * the path index), plus every earlier unit whose territory went into them through reorganisations, so that records
 * attached to old units (a group founded under a pre-2025 ward) count where that territory is now: a subquery of ids,
 * for other libs to filter their rows by (`unitFilter`).
 */
export function unitsInScope(scope: UnitScope) {
  return db
    .withRecursive('unit_scope(id)', (qb) =>
      qb
        .selectFrom('admin_unit as d')
        .select('d.id')
        .where('d.path', 'like', scope.pathPrefix)
        .where(validOn('d', scope.asOf))
        .union(qb.selectFrom('reorganisation_link as l').innerJoin('unit_scope as scoped', 'scoped.id', 'l.to_unit_id').select('l.from_unit_id as id')),
    )
    .selectFrom('unit_scope')
    .select('unit_scope.id');
}

/** "The row's unit is in the subtree" as a typed condition on `unitColumn` (e.g. 's.unit_id'), or null without a filter. */
export function unitFilter(scope: UnitScope | undefined, unitColumn: string): RawBuilder<SqlBool> | null {
  return scope ? sql<SqlBool>`${sql.ref(unitColumn)} IN (${unitsInScope(scope)})` : null;
}
