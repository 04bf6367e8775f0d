import { Basis, isZero, Vector, zero, add } from './measures';
import { StoredGrain } from './periods';

export interface CellKey {
  unitId: string;
  grain: StoredGrain;
  bucket: string;
  basis: Basis;
  /** Mapped cells only: the row of what split units add by their shares. */
  split?: boolean;
}

/** Changes to rollup cells gathered while projecting one event, applied at the end in one statement. */
export class CellDeltas {
  private readonly cells = new Map<string, { key: CellKey; vector: Vector }>();

  /** Adds `factor` × `vector` to the cell of every unit in `unitIds` (a factor is ±1, or a mapped share). */
  add(unitIds: readonly string[], grain: StoredGrain, bucket: string, basis: Basis, vector: Vector, factor: number, split?: boolean): void {
    if (isZero(vector)) return;
    for (const unitId of unitIds) {
      const id = `${unitId}|${grain}|${bucket}|${basis}|${split ?? ''}`;
      let cell = this.cells.get(id);
      if (!cell) this.cells.set(id, (cell = { key: { unitId, grain, bucket, basis, split }, vector: zero() }));
      add(cell.vector, vector, factor);
    }
  }

  /**
   * Nonzero changes, in key order (every writer locks cells in the same order: no deadlocks), rounded to the 6
   * decimals of mapped shares (which makes a sum of shares exact again; whole counts are unchanged).
   */
  changes(): { key: CellKey; vector: Vector }[] {
    for (const cell of this.cells.values()) cell.vector = cell.vector.map((x) => Math.round(x * 1e6) / 1e6 || 0);
    return [...this.cells.entries()]
      .filter(([, c]) => !isZero(c.vector))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, c]) => c);
  }
}
