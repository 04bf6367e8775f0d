import { createHash } from 'node:crypto';

/**
 * How the units of any period add up to the units of one period (the "geography as of" a day).
 *
 * Facts are stored under the unit they were logged in, and cells hold each unit's own subtree (its own version's
 * tree). A unit valid on the day maps to itself. An older (or newer) unit maps through the reorganisation links to
 * the units valid on the day, with the fraction of it that went there: an old ward merged into a new commune wholly,
 * a split ward partly into each successor (the reform's share, published or estimated). Going back in time a new
 * commune maps to its predecessors, weighted by their link fraction times their households (equal when unknown).
 *
 * F(X, T) is the fraction of unit X whose image lies in the subtree of target T. A target's value is then
 * Σ over X of self(X) × F(X, T), and since self(X) = tree(X) − Σ tree(children of X), that equals
 * Σ over X of tree(X) × (F(X, T) − F(parent of X, T)): a short list of coefficients per target, nonzero only where the
 * image changes between a unit and its parent. A unit without links of its own lies where its parent went (an old
 * residential group without a successor); a unit with no image at all (an abolished district under an old province)
 * takes the value its children agree on, since nothing is logged at its own level.
 */

export interface MapUnit {
  id: string;
  /** The official code (optional: maps need it only to find units by code). */
  code?: string;
  parentId: string | null;
  /** The unit's kind (commune, residential_group…); needed only for signatures and mapped shares. */
  kind?: string;
  validFrom: string | null;
  validTo: string | null;
}

export interface MapLink {
  fromId: string;
  toId: string;
  fraction: number;
}

export interface Coefficient {
  sourceId: string;
  coef: number;
}

const EPSILON = 1e-9;
/** Shares of mapped cells are kept to 6 decimals, so that sums of them are exact in SQL numeric whatever their order. */
const SHARE_SCALE = 1e6;

/**
 * True when F(X, T) is a fractional share (kept to 6 decimals, as in mapped cells): part of X lies in T and part
 * elsewhere, so what X counted at its own level is shared out, not placed. 0 and 1 (and any whole number) are exact.
 */
export function isFractionalShare(fraction: number): boolean {
  return Math.round(fraction * SHARE_SCALE) % SHARE_SCALE !== 0;
}

/**
 * The units and links of one version of the tree, indexed once and shared by the maps of every day (and the
 * household trees): a unit's children, its links either way, its subtree.
 */
export class TreeIndex {
  readonly units = new Map<string, MapUnit>();
  readonly children = new Map<string, string[]>();
  readonly forward = new Map<string, MapLink[]>();
  readonly backward = new Map<string, MapLink[]>();
  private readonly subtrees = new Map<string, string[]>();

  constructor(
    readonly unitList: readonly MapUnit[],
    links: readonly MapLink[],
  ) {
    const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    for (const u of unitList) {
      this.units.set(u.id, u);
      if (u.parentId) push(this.children, u.parentId, u.id);
    }
    for (const l of links) {
      push(this.forward, l.fromId, l);
      push(this.backward, l.toId, l);
    }
  }

  /** A unit and every unit under it, of any period (the ids whose path starts with its path). Memoised: do not change it. */
  subtree(id: string): readonly string[] {
    let out = this.subtrees.get(id);
    if (!out) {
      out = [id];
      for (const child of this.children.get(id) ?? []) for (const d of this.subtree(child)) out.push(d);
      this.subtrees.set(id, out);
    }
    return out;
  }
}

/** G: a fraction when it is a fractional share, else 0 (see GeographyMap.splitCoefficients). */
const fractionalPart = (fraction: number) => (isFractionalShare(fraction) ? fraction : 0);

export class GeographyMap {
  /** Coefficients of each target valid on the day. */
  readonly coefficients = new Map<string, Coefficient[]>();
  /**
   * Coefficients of the part of each target's figure that comes through fractional shares (its apportioned part):
   * Σ over X of self(X) × G(X, T), where G(X, T) is F(X, T) when that is a fractional share and 0 otherwise, written
   * over subtree values like the coefficients (G(X, T) − G(parent of X, T)). A split ward's residential groups placed
   * exactly by their own successors add nothing to it; what was logged at the split ward's own level does.
   */
  readonly splitCoefficients = new Map<string, Coefficient[]>();
  private readonly units: ReadonlyMap<string, MapUnit>;
  private readonly children: ReadonlyMap<string, string[]>;
  private readonly forward: ReadonlyMap<string, MapLink[]>;
  private readonly backward: ReadonlyMap<string, MapLink[]>;
  private readonly images = new Map<string, Map<string, number> | null>();
  private readonly fractions = new Map<string, Map<string, number>>();
  private readonly shares = new Map<string, Map<string, number>>();
  private readonly signatures = new Map<string, string>();
  private readonly descendantsOf = new Map<string, string[]>();

  /**
   * @param weights households of a unit's subtree in its own period, to share a new unit back among its predecessors
   */
  constructor(
    private readonly index: TreeIndex,
    readonly day: string,
    private readonly weights: ReadonlyMap<string, number> = new Map(),
  ) {
    ({ units: this.units, children: this.children, forward: this.forward, backward: this.backward } = index);
    for (const u of index.unitList) {
      const own = this.fractionsOf(u.id);
      const parent = u.parentId ? this.fractionsOf(u.parentId) : new Map<string, number>();
      for (const target of new Set([...own.keys(), ...parent.keys()])) {
        const coef = (own.get(target) ?? 0) - (parent.get(target) ?? 0);
        if (Math.abs(coef) > EPSILON) this.coefficients.set(target, [...(this.coefficients.get(target) ?? []), { sourceId: u.id, coef }]);
        const split = fractionalPart(own.get(target) ?? 0) - fractionalPart(parent.get(target) ?? 0);
        if (Math.abs(split) > EPSILON) this.splitCoefficients.set(target, [...(this.splitCoefficients.get(target) ?? []), { sourceId: u.id, coef: split }]);
      }
    }
  }

  /** A unit and every unit under it, of any period (the ids whose path starts with its path). Memoised: do not change it. */
  subtree(id: string): readonly string[] {
    return this.index.subtree(id);
  }

  /** The units of these kinds in force on the day under `id` (not itself). Memoised: do not change it. */
  descendants(id: string, kinds: ReadonlySet<string>): readonly string[] {
    const key = `${[...kinds].sort().join(',')}|${id}`;
    let out = this.descendantsOf.get(key);
    if (!out) {
      out = this.subtree(id).filter((d) => d !== id && kinds.has(this.units.get(d)?.kind ?? '') && this.isValid(d));
      this.descendantsOf.set(key, out);
    }
    return out;
  }

  /** F(X, T) for every target T with a share of X: how much of X lies in T's subtree. */
  fractionsOf(id: string): Map<string, number> {
    const known = this.fractions.get(id);
    if (known) return known;
    const out = new Map<string, number>();
    this.fractions.set(id, out); // guards against cycles in malformed data
    const image = this.imageOf(id, 0);
    if (image) {
      for (const [target, share] of image) for (const t of this.ancestry(target)) out.set(t, (out.get(t) ?? 0) + share);
    } else {
      // No image of its own: what every child agrees on (a child without a share counts as 0).
      const kids = (this.children.get(id) ?? []).map((c) => this.fractionsOf(c));
      if (kids.length) {
        for (const target of new Set(kids.flatMap((k) => [...k.keys()]))) {
          const values = kids.map((k) => k.get(target) ?? 0);
          if (values.every((v) => Math.abs(v - values[0]) < EPSILON) && Math.abs(values[0]) > EPSILON) out.set(target, values[0]);
        }
      }
    }
    return out;
  }

  /** True when the unit is in force on the map's day. */
  isValid(id: string): boolean {
    const unit = this.units.get(id);
    return !!unit && this.valid(unit);
  }

  kindOf(id: string): string | undefined {
    return this.units.get(id)?.kind;
  }

  parentOf(id: string): string | null {
    return this.units.get(id)?.parentId ?? null;
  }

  knows(id: string): boolean {
    return this.units.has(id);
  }

  /** Every unit of every period (the index's list). */
  get unitList(): readonly MapUnit[] {
    return this.index.unitList;
  }

  /**
   * A digest of the coefficients of every target of these kinds: two maps with one signature give the same figures
   * for those targets from the same facts, so cells mapped with one serve the other.
   */
  signature(kinds: ReadonlySet<string>): string {
    const key = [...kinds].sort().join(',');
    let known = this.signatures.get(key);
    if (!known) {
      const hash = createHash('sha1');
      const targets = [...this.coefficients.keys()].filter((t) => kinds.has(this.units.get(t)?.kind ?? '')).sort();
      for (const t of targets) hash.update(`${t}:${GeographyMap.canonical(this.coefficients.get(t)!)};`);
      known = hash.digest('hex');
      this.signatures.set(key, known);
    }
    return known;
  }

  /** True when target T has the same coefficients in both maps (its figures agree in both geographies). */
  static sameCoefficients(a: GeographyMap, b: GeographyMap, targetId: string): boolean {
    return a === b || GeographyMap.canonical(a.coefficients.get(targetId) ?? []) === GeographyMap.canonical(b.coefficients.get(targetId) ?? []);
  }

  private static canonical(coefficients: Coefficient[]): string {
    return [...coefficients]
      .sort((x, y) => (x.sourceId < y.sourceId ? -1 : 1))
      .map((c) => `${c.sourceId}=${c.coef.toFixed(9)}`)
      .join(',');
  }

  /**
   * What a fact logged in unit X adds to the mapped cells of the targets of these kinds, beyond the cells of the units
   * on X's own path: F(X, T) − [T is on X's path], kept to 6 decimals, nonzero only. Empty for a unit in force on the
   * day (its facts lie exactly in its own ancestors' cells); for an old unit, +1 for its successors' line, −1 for
   * its old ancestors still in force, a share for a split.
   */
  mappedShares(id: string, kinds: ReadonlySet<string>): Map<string, number> {
    const key = `${[...kinds].sort().join(',')}|${id}`;
    let out = this.shares.get(key);
    if (out) return out;
    out = new Map<string, number>();
    if (!this.isValid(id)) {
      const raw = new Map<string, number>();
      for (const [t, f] of this.fractionsOf(id)) if (kinds.has(this.units.get(t)?.kind ?? '')) raw.set(t, f);
      for (const a of this.ancestry(id)) {
        const unit = this.units.get(a)!;
        if (kinds.has(unit.kind ?? '') && this.valid(unit)) raw.set(a, (raw.get(a) ?? 0) - 1);
      }
      for (const [t, share] of raw) {
        const rounded = Math.round(share * SHARE_SCALE) / SHARE_SCALE;
        if (rounded !== 0) out.set(t, rounded);
      }
    }
    this.shares.set(key, out);
    return out;
  }

  /** True when X lies wholly inside T's subtree on the day (e.g. an old ward inside a new city). */
  contains(targetId: string, id: string): boolean {
    return Math.abs((this.fractionsOf(id).get(targetId) ?? 0) - 1) < 1e-6;
  }

  private valid(u: MapUnit): boolean {
    return (u.validFrom ?? '0000-01-01') <= this.day && (u.validTo ?? '9999-12-31') >= this.day;
  }

  /** The unit and its ancestors valid on the day. */
  private ancestry(id: string): string[] {
    const out: string[] = [];
    for (let u = this.units.get(id); u; u = u.parentId ? this.units.get(u.parentId) : undefined) out.push(u.id);
    return out;
  }

  /** Where a unit's own territory lies on the day: units valid then, with fractions; null without links. */
  private imageOf(id: string, depth: number): Map<string, number> | null {
    if (this.images.has(id)) return this.images.get(id)!;
    const unit = this.units.get(id);
    let image: Map<string, number> | null = null;
    if (!unit || depth > 20) image = null;
    else if (this.valid(unit)) image = new Map([[id, 1]]);
    else if ((unit.validTo ?? '9999-12-31') < this.day)
      image = this.follow(
        this.forward.get(id) ?? [],
        (l) => l.toId,
        (l) => l.fraction,
        depth,
      );
    else {
      const links = this.backward.get(id) ?? [];
      const weight = (l: MapLink) => l.fraction * (links.every((x) => this.weights.has(x.fromId)) ? this.weights.get(l.fromId)! : 1);
      const total = links.reduce((sum, l) => sum + weight(l), 0);
      image =
        total > 0
          ? this.follow(
              links,
              (l) => l.fromId,
              (l) => weight(l) / total,
              depth,
            )
          : null;
    }
    // Without links of its own, a unit lies where its parent's territory went.
    if (!image && unit && !this.valid(unit) && unit.parentId) image = this.imageOf(unit.parentId, depth + 1);
    this.images.set(id, image);
    return image;
  }

  private follow(links: MapLink[], next: (l: MapLink) => string, share: (l: MapLink) => number, depth: number): Map<string, number> | null {
    if (!links.length) return null;
    const out = new Map<string, number>();
    for (const link of links) {
      const image = this.imageOf(next(link), depth + 1);
      for (const [target, fraction] of image ?? []) out.set(target, (out.get(target) ?? 0) + share(link) * fraction);
    }
    return out.size ? out : null;
  }
}
