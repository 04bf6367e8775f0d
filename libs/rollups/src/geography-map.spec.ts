import { GeographyMap, isFractionalShare, MapLink, MapUnit, TreeIndex } from './geography-map';

/**
 * A small reform: old province P (district D: wards W1, W2, W3; W1 has residential groups A, B; W3 has E, F) becomes
 * new province Q with communes C1 (W1 + W2 + half of W3) and C2 (the other half of W3). A, E and F become A', E', F';
 * B has no successor link (it lies where W1 went).
 */
const OLD = { validFrom: null, validTo: '2025-06-30' };
const NEW = { validFrom: '2025-07-01', validTo: null };
const units: MapUnit[] = [
  { id: 'P', parentId: null, ...OLD },
  { id: 'D', parentId: 'P', ...OLD },
  { id: 'W1', parentId: 'D', ...OLD },
  { id: 'W2', parentId: 'D', ...OLD },
  { id: 'W3', parentId: 'D', ...OLD },
  { id: 'A', parentId: 'W1', ...OLD },
  { id: 'B', parentId: 'W1', ...OLD },
  { id: 'E', parentId: 'W3', ...OLD },
  { id: 'F', parentId: 'W3', ...OLD },
  { id: 'Q', parentId: null, ...NEW },
  { id: 'C1', parentId: 'Q', ...NEW },
  { id: 'C2', parentId: 'Q', ...NEW },
  { id: "A'", parentId: 'C1', ...NEW },
  { id: "E'", parentId: 'C1', ...NEW },
  { id: "F'", parentId: 'C2', ...NEW },
];
const links: MapLink[] = [
  { fromId: 'W1', toId: 'C1', fraction: 1 },
  { fromId: 'W2', toId: 'C1', fraction: 1 },
  { fromId: 'W3', toId: 'C1', fraction: 0.5 },
  { fromId: 'W3', toId: 'C2', fraction: 0.5 },
  { fromId: 'A', toId: "A'", fraction: 1 },
  { fromId: 'E', toId: "E'", fraction: 1 },
  { fromId: 'F', toId: "F'", fraction: 1 },
];

/** Values logged at each unit's own level (nothing at provinces and districts). */
const self: Record<string, number> = { W1: 3, W2: 5, W3: 8, A: 10, B: 20, E: 40, F: 80, C1: 100, C2: 200, "A'": 1000, "E'": 2000, "F'": 4000 };
const tree = (id: string): number => (self[id] ?? 0) + units.filter((u) => u.parentId === id).reduce((s, u) => s + tree(u.id), 0);
const value = (map: GeographyMap, target: string) => (map.coefficients.get(target) ?? []).reduce((s, c) => s + c.coef * tree(c.sourceId), 0);
/** The part of a target's value that came through fractional shares (what makes a figure apportioned). */
const split = (map: GeographyMap, target: string) => (map.splitCoefficients.get(target) ?? []).reduce((s, c) => s + c.coef * tree(c.sourceId), 0);

describe('geography map', () => {
  it('adds up old units into the new tree: merged wholly, split by the reform share, residential groups exactly', () => {
    const after = new GeographyMap(new TreeIndex(units, links), '2026-01-01');
    expect(value(after, "A'")).toBe(1000 + 10);
    expect(value(after, "E'")).toBe(2000 + 40);
    expect(value(after, 'C1')).toBe(100 + 1000 + 2000 + 3 + 10 + 20 + 5 + 0.5 * 8 + 40);
    expect(value(after, 'C2')).toBe(200 + 4000 + 0.5 * 8 + 80);
    expect(value(after, 'Q')).toBe(Object.values(self).reduce((s, v) => s + v, 0)); // nothing lost, nothing twice
    expect(after.contains('Q', 'P')).toBe(true);
    expect(after.contains('C1', 'W3')).toBe(false);
    expect(
      after.coefficients
        .get('Q')!
        .map((c) => c.sourceId)
        .sort(),
    ).toEqual(['P', 'Q']);
  });

  it('shares new units back among their predecessors by households when known', () => {
    const before = new GeographyMap(
      new TreeIndex(units, links),
      '2025-06-30',
      new Map([
        ['W1', 100],
        ['W2', 300],
        ['W3', 200],
      ]),
    );
    // C1 came from W1 (100 households), W2 (300) and half of W3 (100): its own level is shared 1 : 3 : 1.
    expect(value(before, 'W1')).toBeCloseTo(3 + 10 + 20 + 1000 + 0.2 * 100, 9);
    expect(value(before, 'W2')).toBeCloseTo(5 + 0.6 * 100, 9);
    expect(value(before, 'W3')).toBeCloseTo(8 + 40 + 80 + 2000 + 4000 + 0.2 * 100 + 200, 9);
    expect(value(before, 'P')).toBeCloseTo(
      Object.values(self).reduce((s, v) => s + v, 0),
      9,
    );
    expect(value(before, 'E')).toBe(40 + 2000);
  });

  it('keeps apart the part of a value that is a fractional share of what a unit counted at its own level', () => {
    const after = new GeographyMap(new TreeIndex(units, links), '2026-01-01');
    // Half of W3's own level in each successor; W3's residential groups E and F are placed exactly by their own successors.
    expect(split(after, 'C1')).toBe(0.5 * 8);
    expect(split(after, 'C2')).toBe(0.5 * 8);
    for (const whole of ['Q', "A'", "E'", "F'"]) expect(split(after, whole)).toBe(0);
    const before = new GeographyMap(
      new TreeIndex(units, links),
      '2025-06-30',
      new Map([
        ['W1', 100],
        ['W2', 300],
        ['W3', 200],
      ]),
    );
    // C1's own level shared back 1 : 3 : 1; C2 came from W3 alone, so W3 holds all of it; D holds all of C1.
    expect(split(before, 'W1')).toBeCloseTo(0.2 * 100, 9);
    expect(split(before, 'W2')).toBeCloseTo(0.6 * 100, 9);
    expect(split(before, 'W3')).toBeCloseTo(0.2 * 100, 9);
    for (const whole of ['D', 'P', 'A', 'E']) expect(split(before, whole)).toBeCloseTo(0, 9);
    expect([0, 1, -1, 2, 1 + 1e-9, 0.5, 0.2, 1 / 3, -0.5, 0.000001].map(isFractionalShare)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
    ]);
  });
});
