import { Basis, isZero, Vector, zero, add } from './measures';
import { StoredGrain } from './periods';

export interface CellKey {
  unitId: string;
  grain: StoredGrain;
  bucket: string;
  basis: Basis;
}

/** Changes to rollup cells gathered while projecting one event, applied at the end in one statement. */
export class CellDeltas {
  private readonly cells = new Map<string, { key: CellKey; vector: Vector }>();

  /** Adds `factor` × `vector` to the cell of every unit in `unitIds`. */
  add(unitIds: readonly string[], grain: StoredGrain, bucket: string, basis: Basis, vector: Vector, factor: 1 | -1): void {
    if (isZero(vector)) return;
    for (const unitId of unitIds) {
      const id = `${unitId}|${grain}|${bucket}|${basis}`;
      let cell = this.cells.get(id);
      if (!cell) this.cells.set(id, (cell = { key: { unitId, grain, bucket, basis }, vector: zero() }));
      add(cell.vector, vector, factor);
    }
  }

  /** Nonzero changes, in key order (every writer locks cells in the same order: no deadlocks). */
  changes(): { key: CellKey; vector: Vector }[] {
    return [...this.cells.entries()]
      .filter(([, c]) => !isZero(c.vector))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, c]) => c);
  }
}
