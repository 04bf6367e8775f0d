/**
 * Kinds of units that hold cells and mapped cells: communes (and special zones) and above. Residential groups are read
 * from their facts.
 */
export const CELL_KINDS: ReadonlySet<string> = new Set(['commune', 'special_zone', 'district', 'province']);

/** The same kinds as a SQL list, for the rebuild. */
export const CELL_KINDS_SQL = `(${[...CELL_KINDS].map((k) => `'${k}'`).join(', ')})`;
