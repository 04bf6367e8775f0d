/**
 * The rows an actor may see for one permission: everything, or the rows attached to units under some unit paths
 * (and the older units whose territory went into them) or to some groups. Lists are filtered with `scopeSql`, in
 * SQL, before paging; single objects are checked with AccessService.covers. Both follow the same definition.
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
 * A recursive CTE `access_units(id)`: every unit whose path lies under one of the paths in parameter `paths`
 * (a text[]; any period, because records stay attached to the version they were made on), plus every earlier unit
 * whose territory went into one of those through reorganisations. Uses the text_pattern_ops index on path.
 */
export function accessUnitsCte(paths: string): string {
  return `access_units(id) AS (
    SELECT a.id FROM unnest(${paths}::text[]) AS s(prefix) JOIN admin_unit a ON a.path ~>=~ s.prefix AND a.path ~<~ (s.prefix || '~')
    UNION
    SELECT l.from_unit_id FROM reorganisation_link l JOIN access_units x ON l.to_unit_id = x.id
  )`;
}

/**
 * The SQL condition "this row is in scope" for a row attached to a unit column and/or a group column.
 * `param` adds a parameter and returns its placeholder. Returns the CTE to put in `WITH RECURSIVE` (or null) and
 * the condition; an actor with no grant for the permission gets `false`.
 */
export function scopeSql(
  scope: DataScope,
  columns: { unit?: string; group?: string },
  param: (value: unknown) => string,
): { cte: string | null; where: string | null } {
  if (scope.all) return { cte: null, where: null };
  const parts: string[] = [];
  let cte: string | null = null;
  if (scope.unitPaths.length && columns.unit) {
    cte = accessUnitsCte(param([...scope.unitPaths]));
    parts.push(`${columns.unit} IN (SELECT id FROM access_units)`);
  }
  if (scope.groupIds.length && columns.group) parts.push(`${columns.group} = ANY(${param([...scope.groupIds])}::uuid[])`);
  return { cte, where: parts.length ? `(${parts.join(' OR ')})` : 'false' };
}

/** Adds "in scope" to a list query being built (see SqlBuilder in @cdtg/database). */
export function restrictToScope(
  sql: { param(value: unknown): string; ctes: string[]; where: string[] },
  scope: DataScope,
  columns: { unit?: string; group?: string },
): void {
  const { cte, where } = scopeSql(scope, columns, (value) => sql.param(value));
  if (cte) sql.ctes.push(cte);
  if (where) sql.where.push(where);
}
