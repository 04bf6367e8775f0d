import { RawBuilder, sql, SqlBool } from 'kysely';

/**
 * The rows an actor may see for one permission: everything, or the rows attached to units under some unit paths
 * (and the older units whose territory went into them) or to some groups. Lists are filtered with `scopeSql`, in
 * SQL, before paging (`scopeFilter`); single objects are checked with AccessService.covers. Both follow the same definition.
 */
export interface DataScope {
  readonly all: boolean;
  /** Materialised paths of the granted units ("/root/…/unit/"): the unit and everything below it. */
  readonly unitPaths: readonly string[];
  readonly groupIds: readonly string[];
}

/** True when a unit with this path lies under a granted unit (the first half of the rule; AccessService.covers also follows reorganisations). */
export function coversPath(scope: DataScope, path: string): boolean {
  return scope.all || scope.unitPaths.some((granted) => path.startsWith(granted));
}

/** True when every row `inner` reaches is also reached by `outer` (a scope that was granted is still held). */
export function scopeIncludes(outer: DataScope, inner: DataScope): boolean {
  if (outer.all) return true;
  if (inner.all) return false;
  return inner.unitPaths.every((p) => outer.unitPaths.some((granted) => p.startsWith(granted))) && inner.groupIds.every((g) => outer.groupIds.includes(g));
}

export const EVERYTHING: DataScope = Object.freeze({ all: true, unitPaths: [], groupIds: [] });
export const NOTHING: DataScope = Object.freeze({ all: false, unitPaths: [], groupIds: [] });

/**
 * "This row is in scope" as a typed SQL condition, for queries built with Kysely: `unit` and `group` are the row's
 * column references (e.g. 's.unit_id'). Units are read through geography's port (geography_units_under: the subtree of
 * every granted unit, and the older units whose territory went into them). An actor with no grant gets `false`.
 */
export function scopeFilter(scope: DataScope, columns: { unit?: string; group?: string }): RawBuilder<SqlBool> | null {
  if (scope.all) return null;
  const parts: RawBuilder<SqlBool>[] = [];
  if (scope.unitPaths.length && columns.unit)
    parts.push(sql<SqlBool>`${sql.ref(columns.unit)} IN (SELECT id FROM geography_units_under(${[...scope.unitPaths]}::text[]))`);
  if (scope.groupIds.length && columns.group) parts.push(sql<SqlBool>`${sql.ref(columns.group)} = ANY(${[...scope.groupIds]}::uuid[])`);
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` OR `)})` : sql<SqlBool>`false`;
}
