import type { TreeIndex } from './geography-map';

/** One recorded household count (household_count): a unit's households as of a day. */
export interface HouseholdCount {
  unitId: string;
  asOf: string;
  households: number;
}

/**
 * A subtree's households as a step function of the day: `values[i]` from `dates[i]` on (until the next date), and
 * `values[0]` before the first date too. Empty when nothing under the unit is counted.
 */
interface Steps {
  dates: string[];
  values: number[];
}

const NONE: Steps = { dates: [], values: [] };

/**
 * The household counts of every unit, in memory with the tree: the denominators of coverage, and the weights that
 * share a new unit back among its predecessors. A subtree's households as of a day are the counts of the units nearest
 * its root that have any: each unit's latest count on or before the day (failing that its earliest after it), and a
 * unit with a count of its own stands for its whole subtree. Each unit's step function is worked out once per tree.
 */
export class HouseholdTrees {
  /** unit → its counts, oldest first */
  private readonly counts = new Map<string, HouseholdCount[]>();
  private readonly steps = new Map<string, Steps>();

  constructor(
    private readonly index: TreeIndex,
    counts: readonly HouseholdCount[],
  ) {
    for (const c of counts) {
      const own = this.counts.get(c.unitId);
      if (own) own.push(c);
      else this.counts.set(c.unitId, [c]);
    }
    for (const own of this.counts.values()) own.sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : 0));
  }

  /** Households of the subtree of `rootId` (units of any period under it) as of `day`; 0 when none is counted. */
  total(rootId: string, day: string): number {
    return HouseholdTrees.at(this.stepsOf(rootId), day);
  }

  private stepsOf(id: string): Steps {
    let steps = this.steps.get(id);
    if (steps) return steps;
    const own = this.counts.get(id);
    if (own) {
      steps = { dates: own.map((c) => c.asOf), values: own.map((c) => c.households) };
    } else {
      const parts = (this.index.children.get(id) ?? []).map((c) => this.stepsOf(c)).filter((p) => p.dates.length);
      if (parts.length === 0) steps = NONE;
      else if (parts.length === 1) steps = parts[0];
      else {
        const dates = [...new Set(parts.flatMap((p) => p.dates))].sort();
        steps = { dates, values: dates.map((d) => parts.reduce((sum, p) => sum + HouseholdTrees.at(p, d), 0)) };
      }
    }
    this.steps.set(id, steps);
    return steps;
  }

  /** The value of a step function on a day: the last step on or before it, failing that the first. */
  private static at(steps: Steps, day: string): number {
    const { dates, values } = steps;
    if (!dates.length) return 0;
    let lo = 0;
    let hi = dates.length - 1;
    // The last index whose date is on or before the day (0 when every date is after it).
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (dates[mid] <= day) lo = mid;
      else hi = mid - 1;
    }
    return values[lo];
  }
}
