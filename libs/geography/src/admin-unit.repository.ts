import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AdminUnit, UnitKind } from './admin-unit.entity';
import { RawBuilder, sql, SqlBool } from 'kysely';
import { db } from './db';

/** A unit valid on a date: both bounds inclusive, null meaning unbounded. */
const VALID_AT = (alias: string, param: string) =>
  `COALESCE(${alias}.valid_from, '-infinity'::date) <= ${param}::date AND COALESCE(${alias}.valid_to, 'infinity'::date) >= ${param}::date`;

export interface UnitLink {
  unit: AdminUnit;
  share: 'full' | 'partial';
  fraction: number;
  fractionEstimated: boolean;
  effectiveDate: string;
}

/** Every SQL statement about the administrative tree. */
@Injectable()
export class AdminUnitRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get units() {
    return this.dataSource.getRepository(AdminUnit);
  }

  byIds(ids: readonly string[]): Promise<AdminUnit[]> {
    return ids.length ? this.units.createQueryBuilder('u').where('u.id = ANY(:ids)', { ids }).getMany() : Promise.resolve([]);
  }

  byCode(code: string, asOf: string): Promise<AdminUnit | null> {
    return this.units.createQueryBuilder('u').where('u.code = :code', { code }).andWhere(VALID_AT('u', ':asOf'), { asOf }).getOne();
  }

  /** Every version of a code, oldest first. */
  versions(code: string, manager: EntityManager = this.dataSource.manager): Promise<AdminUnit[]> {
    return manager
      .getRepository(AdminUnit)
      .createQueryBuilder('u')
      .where('u.code = :code', { code })
      .orderBy(`COALESCE(u.valid_from, '-infinity'::date)`)
      .getMany();
  }

  children(parentId: string, asOf: string): Promise<AdminUnit[]> {
    return this.units
      .createQueryBuilder('u')
      .where('u.parent_id = :parentId', { parentId })
      .andWhere(VALID_AT('u', ':asOf'), { asOf })
      .orderBy('u.code')
      .getMany();
  }

  /** Descendants valid on `asOf` (not the unit itself), optionally of some kinds; one index range scan on path. */
  subtree(unit: AdminUnit, asOf: string, kinds?: UnitKind[]): Promise<AdminUnit[]> {
    const qb = this.units
      .createQueryBuilder('u')
      .where(`u.path LIKE :prefix`, { prefix: `${unit.path}%` })
      .andWhere('u.id <> :id', { id: unit.id })
      .andWhere(VALID_AT('u', ':asOf'), { asOf });
    if (kinds?.length) qb.andWhere('u.kind = ANY(:kinds)', { kinds });
    return qb.orderBy('u.depth').addOrderBy('u.code').getMany();
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
    const [from, to] = direction === 'forward' ? ['from_unit_id', 'to_unit_id'] : ['to_unit_id', 'from_unit_id'];
    const rows = (await this.dataSource.query(
      `WITH RECURSIVE chain(unit_id, fraction, estimated, partial, effective_date, depth) AS (
         SELECT l.${to}, l.fraction::float8, l.fraction_estimated, l.share = 'partial', r.effective_date, 1
           FROM reorganisation_link l JOIN reorganisation r ON r.id = l.reorganisation_id
          WHERE l.${from} = $1 AND l.${to} IS NOT NULL
         UNION ALL
         SELECT l.${to}, c.fraction * l.fraction::float8, c.estimated OR l.fraction_estimated, c.partial OR l.share = 'partial', r.effective_date, c.depth + 1
           FROM chain c JOIN reorganisation_link l ON l.${from} = c.unit_id JOIN reorganisation r ON r.id = l.reorganisation_id
          WHERE l.${to} IS NOT NULL AND c.depth < 20
       )
       SELECT unit_id, fraction, estimated, partial, effective_date::text AS effective_date, depth FROM chain ORDER BY depth, unit_id`,
      [unitId],
    )) as { unit_id: string; fraction: number; estimated: boolean; partial: boolean; effective_date: string; depth: number }[];
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

/**
 * SQL of a CTE named `unit_scope(id)`: a unit (given by its path followed by %, `$first`) and its subtree valid on `$first+1`, plus
 * every earlier unit whose territory went into them through reorganisations, so that records attached to old units
 * (a group founded under a pre-2025 ward) count where that territory is now. The path prefix is a parameter so the
 * planner uses the path index.
 */
export function unitScopeCte(first: number): string {
  const prefix = `$${first}`;
  const asOf = `$${first + 1}`;
  return `unit_scope(id) AS (
    SELECT d.id FROM admin_unit d
     WHERE d.path LIKE ${prefix}
       AND COALESCE(d.valid_from, '-infinity'::date) <= ${asOf}::date AND COALESCE(d.valid_to, 'infinity'::date) >= ${asOf}::date
    UNION
    SELECT l.from_unit_id FROM reorganisation_link l JOIN unit_scope s ON l.to_unit_id = s.id
  )`;
}

export interface UnitScope {
  /** Path of the unit followed by %, and the date the tree is read on. */
  pathPrefix: string;
  asOf: string;
}

/** Restricts `unitColumn` of a list query being built to a unit subtree as of a date (and the old units that went into it). */
export function filterByUnit(
  sql: { params: unknown[]; param(value: unknown): string; ctes: string[]; where: string[] },
  scope: UnitScope | undefined,
  unitColumn: string,
): void {
  if (!scope) return;
  const first = sql.params.length + 1;
  sql.param(scope.pathPrefix);
  sql.param(scope.asOf);
  sql.ctes.push(unitScopeCte(first));
  sql.where.push(`${unitColumn} IN (SELECT id FROM unit_scope)`);
}

/**
 * The units of a unit subtree as of a date, plus every earlier unit whose territory went into them (the typed form of
 * unitScopeCte): a subquery of ids, for other libs to filter their rows by (`unitFilter`).
 */
export function unitsInScope(scope: UnitScope) {
  return db
    .withRecursive('unit_scope(id)', (qb) =>
      qb
        .selectFrom('admin_unit as d')
        .select('d.id')
        .where('d.path', 'like', scope.pathPrefix)
        .where(sql<SqlBool>`COALESCE(d.valid_from, '-infinity'::date) <= ${scope.asOf}::date AND COALESCE(d.valid_to, 'infinity'::date) >= ${scope.asOf}::date`)
        .union(qb.selectFrom('reorganisation_link as l').innerJoin('unit_scope as scoped', 'scoped.id', 'l.to_unit_id').select('l.from_unit_id as id')),
    )
    .selectFrom('unit_scope')
    .select('unit_scope.id');
}

/** "The row's unit is in the subtree" as a typed condition on `unitColumn` (e.g. 's.unit_id'), or null without a filter. */
export function unitFilter(scope: UnitScope | undefined, unitColumn: string): RawBuilder<SqlBool> | null {
  return scope ? sql<SqlBool>`${sql.ref(unitColumn)} IN (${unitsInScope(scope)})` : null;
}
