import { MapUnit, TreeIndex } from './geography-map';
import { HouseholdCount, HouseholdTrees } from './household-trees';

/**
 * Commune C has residential groups R1 (counted twice), R2 (counted once, later) and R3 (no count, but its child
 * hamlet H is counted); commune D is counted at its own level and in its group S, which D's own count stands for.
 */
const units: MapUnit[] = [
  { id: 'P', parentId: null, validFrom: null, validTo: null },
  { id: 'C', parentId: 'P', validFrom: null, validTo: null },
  { id: 'R1', parentId: 'C', validFrom: null, validTo: null },
  { id: 'R2', parentId: 'C', validFrom: null, validTo: null },
  { id: 'R3', parentId: 'C', validFrom: null, validTo: null },
  { id: 'H', parentId: 'R3', validFrom: null, validTo: null },
  { id: 'D', parentId: 'P', validFrom: null, validTo: null },
  { id: 'S', parentId: 'D', validFrom: null, validTo: null },
  { id: 'E', parentId: 'P', validFrom: null, validTo: null },
];
const counts: HouseholdCount[] = [
  { unitId: 'R1', asOf: '2026-01-01', households: 120 },
  { unitId: 'R1', asOf: '2025-01-01', households: 100 },
  { unitId: 'R2', asOf: '2025-07-01', households: 50 },
  { unitId: 'H', asOf: '2024-01-01', households: 7 },
  { unitId: 'D', asOf: '2025-01-01', households: 300 },
  { unitId: 'S', asOf: '2025-01-01', households: 999 },
];

/** The rule written out plainly: every counted unit with no counted ancestor inside the root's subtree, at its count as of the day. */
function plain(rootId: string, day: string): number {
  const under = (id: string): string[] => [id, ...units.filter((u) => u.parentId === id).flatMap((u) => under(u.id))];
  const subtree = under(rootId);
  const counted = subtree.filter((id) => counts.some((c) => c.unitId === id));
  const ancestors = (id: string): string[] => {
    const parent = units.find((u) => u.id === id)!.parentId;
    return parent ? [parent, ...ancestors(parent)] : [];
  };
  return counted
    .filter((id) => !ancestors(id).some((a) => a !== rootId && counted.includes(a)) && !(id !== rootId && counted.includes(rootId)))
    .reduce((sum, id) => {
      const own = counts.filter((c) => c.unitId === id).sort((a, b) => a.asOf.localeCompare(b.asOf));
      const before = own.filter((c) => c.asOf <= day);
      return sum + (before.length ? before[before.length - 1] : own[0]).households;
    }, 0);
}

describe('household trees', () => {
  const trees = new HouseholdTrees(new TreeIndex(units, []), counts);

  it('takes each counted unit nearest the root, at its latest count on or before the day, else its earliest', () => {
    expect(trees.total('R1', '2024-06-01')).toBe(100); // before any count: the earliest
    expect(trees.total('R1', '2025-12-31')).toBe(100);
    expect(trees.total('R1', '2026-01-01')).toBe(120);
    expect(trees.total('C', '2024-06-01')).toBe(100 + 50 + 7);
    expect(trees.total('C', '2025-07-01')).toBe(100 + 50 + 7);
    expect(trees.total('C', '2026-02-01')).toBe(120 + 50 + 7);
    expect(trees.total('D', '2026-02-01')).toBe(300); // D's own count stands for S
    expect(trees.total('E', '2026-02-01')).toBe(0);
    expect(trees.total('P', '2026-02-01')).toBe(120 + 50 + 7 + 300);
    expect(trees.total('unknown', '2026-02-01')).toBe(0);
  });

  it('agrees with the rule written out plainly on every unit and day', () => {
    const days = ['2023-01-01', '2024-01-01', '2024-12-31', '2025-01-01', '2025-06-30', '2025-07-01', '2026-01-01', '2027-01-01'];
    for (const u of units) for (const day of days) expect([u.id, day, trees.total(u.id, day)]).toEqual([u.id, day, plain(u.id, day)]);
  });
});
