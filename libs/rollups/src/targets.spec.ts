import { GeographyMap, MapLink, MapUnit, TreeIndex } from './geography-map';
import { Period } from './periods';
import { carryTargets, elapsedShare, progressOf, TARGET_GRAINS, targetBucket, targetMeasure, TargetKind } from './targets';

/** Old district D (wards W1, W2, W3) → new commune C1 (W1 + W2 + half of W3) and C2 (the other half of W3). */
const OLD = { validFrom: null, validTo: '2025-06-30' };
const NEW = { validFrom: '2025-07-01', validTo: null };
const units: MapUnit[] = [
  { id: 'P', parentId: null, kind: 'province', ...OLD },
  { id: 'D', parentId: 'P', kind: 'district', ...OLD },
  { id: 'W1', parentId: 'D', kind: 'commune', ...OLD },
  { id: 'W2', parentId: 'D', kind: 'commune', ...OLD },
  { id: 'W3', parentId: 'D', kind: 'commune', ...OLD },
  // A residential group of W1 (holds no targets: it never has to be covered).
  { id: 'G1', parentId: 'W1', kind: 'residential_group', ...OLD },
  { id: 'Q', parentId: null, kind: 'province', ...NEW },
  { id: 'C1', parentId: 'Q', kind: 'commune', ...NEW },
  { id: 'C2', parentId: 'Q', kind: 'commune', ...NEW },
];
const links: MapLink[] = [
  { fromId: 'P', toId: 'Q', fraction: 1 },
  { fromId: 'W1', toId: 'C1', fraction: 1 },
  { fromId: 'W2', toId: 'C1', fraction: 1 },
  { fromId: 'W3', toId: 'C1', fraction: 0.5 },
  { fromId: 'W3', toId: 'C2', fraction: 0.5 },
];
const index = new TreeIndex(units, links);
const households: Record<string, number> = { W1: 1000, W2: 3000, W3: 2000, C1: 5000, C2: 1000 };
const kindOf = (m: string) => targetMeasure(m)?.kind;
const t = (unitId: string, measure: string, value: number) => ({ unitId, measure, periodStart: '2025-01-01', value });
const KEY = (measure: string) => `${measure}|2025-01-01`;
const carry = (map: GeographyMap, unitIds: string[], stored: ReturnType<typeof t>[]) =>
  carryTargets(map, unitIds, stored, kindOf, (id) => households[id] ?? 0, 'Y');

describe('targets', () => {
  it('pro-rates a target by the elapsed share of its period (Vietnam days, both ends counted)', () => {
    const october = targetBucket('M', '2026-10-01');
    expect(october).toEqual({ start: '2026-10-01', end: '2026-10-31' });
    expect(elapsedShare(october, '2026-09-30')).toBe(0);
    expect(elapsedShare(october, '2026-10-01')).toBeCloseTo(1 / 31);
    expect(elapsedShare(october, '2026-10-16')).toBeCloseTo(16 / 31);
    expect(elapsedShare(october, '2026-10-31')).toBe(1);
    expect(elapsedShare(targetBucket('Y', '2024-01-01'), '2024-07-01')).toBeCloseTo(183 / 366); // a leap year
    expect(targetBucket('Q', '2026-10-01').end).toBe('2026-12-31');
    expect(Object.keys(TARGET_GRAINS)).toEqual([Period.Month, Period.Quarter, Period.Year]);
  });

  it('is behind plan when the actual is below the pro-rated target; gap is what is still to do', () => {
    const households = targetMeasure('households')!;
    expect(progressOf(households, { value: 4, carried: false, apportioned: false }, 3, 16 / 31)).toEqual({
      measure: 'households',
      kind: TargetKind.Count,
      target: 4,
      actual: 3,
      gap: 1,
      expected: 2.065,
      behindPlan: false,
      carried: false,
      apportioned: false,
    });
    expect(progressOf(households, { value: 4, carried: false, apportioned: false }, 3, 1).behindPlan).toBe(true);
    expect(progressOf(households, { value: 4, carried: false, apportioned: false }, 5, 1).gap).toBe(-1);
    // A percentage of a unit without a household count has no actual: never behind, no gap.
    const coverage = targetMeasure('coverage')!;
    expect(progressOf(coverage, { value: 60, carried: false, apportioned: false }, null, 1)).toMatchObject({ actual: null, gap: null, behindPlan: false });
  });

  it('knows the coverage measures as percentages and every shown figure as a count', () => {
    expect(targetMeasure('coverage')?.kind).toBe(TargetKind.Percent);
    expect(targetMeasure('coverage_vneid_level2')?.kind).toBe(TargetKind.Percent);
    for (const key of ['households', 'sessions_held', 'participants', 'trained_female_under_35', 'done_cashless_payment'])
      expect(targetMeasure(key)?.kind).toBe(TargetKind.Count);
    expect(targetMeasure('households_ever')?.kind).toBe(TargetKind.Count);
    expect(targetMeasure('volunteers_ever')).toBeUndefined(); // not shown on its own
  });

  it('carries old units’ targets to the new tree when they cover it all: counts apportioned, percentages kept (households-weighted)', () => {
    const map = new GeographyMap(index, '2026-01-01');
    const carried = carry(
      map,
      ['C1', 'C2'],
      [
        ...['W1', 'W2', 'W3'].map((w, i) => t(w, 'households', [100, 60, 40][i])),
        ...['W1', 'W2', 'W3'].map((w, i) => t(w, 'coverage', [40, 80, 70][i])),
        t('C2', 'sessions_held', 6),
      ],
    );
    // C1 = W1 + W2 + half of W3: 100 + 60 + 20; C2 = the other half of W3.
    expect(carried.get('C1')!.get(KEY('households'))).toEqual({ value: 180, carried: true, apportioned: true });
    expect(carried.get('C2')!.get(KEY('households'))).toEqual({ value: 20, carried: true, apportioned: true });
    // 1,000 households at 40 %, 3,000 at 80 % and half of 2,000 at 70 %: 70 %.
    expect(carried.get('C1')!.get(KEY('coverage'))).toEqual({ value: 70, carried: true, apportioned: true });
    expect(carried.get('C2')!.get(KEY('coverage'))).toEqual({ value: 70, carried: true, apportioned: true });
    // Its own target stays its own.
    expect(carried.get('C2')!.get(KEY('sessions_held'))).toEqual({ value: 6, carried: false, apportioned: false });
  });

  it('carries nothing from only some of a unit’s predecessors (its actual counts them all)', () => {
    const map = new GeographyMap(index, '2026-01-01');
    // Two of C1's three predecessors have a target: C1 gets none, counts or percentages; C2 (all of it from W3) does.
    const carried = carry(map, ['C1', 'C2', 'Q'], [t('W1', 'households', 100), t('W3', 'households', 40), t('W1', 'coverage', 40), t('W3', 'coverage', 80)]);
    expect(carried.get('C1')!.has(KEY('households'))).toBe(false);
    expect(carried.get('C1')!.has(KEY('coverage'))).toBe(false);
    expect(carried.get('C2')!.get(KEY('households'))).toEqual({ value: 20, carried: true, apportioned: true });
    expect(carried.get('C2')!.get(KEY('coverage'))).toEqual({ value: 80, carried: true, apportioned: true });
    // Nor the new province: W2 lies in it without a target.
    expect(carried.get('Q')!.size).toBe(0);
  });

  it('uses a unit’s own target before carried ones', () => {
    const map = new GeographyMap(index, '2026-01-01');
    const carried = carry(map, ['C1'], [t('C1', 'households', 7), t('W1', 'households', 100), t('W2', 'households', 1), t('W3', 'households', 1)]);
    expect(carried.get('C1')!.get(KEY('households'))).toEqual({ value: 7, carried: false, apportioned: false });
  });

  it('uses the wards’ targets over their district’s only where they cover all of it, else the district’s', () => {
    const map = new GeographyMap(index, '2026-01-01');
    // One ward with a target does not hide its district's: the new province (all of P, D and its wards) carries D's 50.
    const partial = carry(map, ['Q', 'C1'], [t('D', 'sessions_held', 50), t('W2', 'sessions_held', 4)]);
    expect(partial.get('Q')!.get(KEY('sessions_held'))).toEqual({ value: 50, carried: true, apportioned: false });
    // C1 gets nothing: D went to two communes (no share of it can be placed in C1), and W1, W3 have no target.
    expect(partial.get('C1')!.has(KEY('sessions_held'))).toBe(false);
    // All of D's wards with a target: the more detailed are used, in the province and in each commune.
    const full = carry(
      map,
      ['Q', 'C1', 'C2'],
      [t('P', 'sessions_held', 90), t('D', 'sessions_held', 50), t('W1', 'sessions_held', 4), t('W2', 'sessions_held', 6), t('W3', 'sessions_held', 10)],
    );
    expect(full.get('Q')!.get(KEY('sessions_held'))).toEqual({ value: 20, carried: true, apportioned: false });
    expect(full.get('C1')!.get(KEY('sessions_held'))).toEqual({ value: 15, carried: true, apportioned: true });
    expect(full.get('C2')!.get(KEY('sessions_held'))).toEqual({ value: 5, carried: true, apportioned: true });
    // The same for percentages: the province's 60 % stands when one ward alone has 90 %.
    const percent = carry(map, ['Q'], [t('P', 'coverage', 60), t('W1', 'coverage', 90)]);
    expect(percent.get('Q')!.get(KEY('coverage'))!.value).toBe(60);
  });

  it('carries a new unit’s target back to its predecessors: counts shared by households, percentages as they are', () => {
    const weights = new Map(Object.entries(households));
    const map = new GeographyMap(index, '2025-06-30', weights);
    // W3 went half to C1, half to C2: without C2's target it gets none.
    const one = carry(map, ['W1', 'W2', 'W3'], [t('C1', 'households', 500), t('C1', 'coverage', 60)]);
    expect(one.get('W3')!.size).toBe(0);
    expect(['W1', 'W2'].map((w) => one.get(w)!.get(KEY('coverage'))!.value)).toEqual([60, 60]);
    const both = carry(map, ['W1', 'W2', 'W3'], [t('C1', 'households', 500), t('C2', 'households', 100), t('C1', 'coverage', 60), t('C2', 'coverage', 60)]);
    const shares = ['W1', 'W2', 'W3'].map((w) => both.get(w)!.get(KEY('households'))!);
    expect(shares.reduce((s, x) => s + x.value, 0)).toBeCloseTo(600);
    expect(shares.every((x) => x.carried)).toBe(true);
    expect(['W1', 'W2', 'W3'].map((w) => both.get(w)!.get(KEY('coverage'))!.value)).toEqual([60, 60, 60]);
  });

  it('carries nothing into a unit holding part of a ward split by its residential groups (no share of the ward’s target lies there)', () => {
    // W4 has no link of its own: its groups went one to C1, one to C2, so W4 has no share in either commune.
    const split = new TreeIndex(
      [
        ...units,
        { id: 'W4', parentId: 'D', kind: 'commune', ...OLD },
        { id: 'G4a', parentId: 'W4', kind: 'residential_group', ...OLD },
        { id: 'G4b', parentId: 'W4', kind: 'residential_group', ...OLD },
      ],
      [...links, { fromId: 'G4a', toId: 'C1', fraction: 1 }, { fromId: 'G4b', toId: 'C2', fraction: 1 }],
    );
    const map = new GeographyMap(split, '2026-01-01');
    const stored = ['W1', 'W2', 'W3', 'W4'].map((w, i) => t(w, 'households', [100, 60, 40, 30][i]));
    const carried = carry(map, ['C1', 'Q'], stored);
    expect(carried.get('C1')!.has(KEY('households'))).toBe(false);
    // The new province holds all of W4: every old ward is covered.
    expect(carried.get('Q')!.get(KEY('households'))).toEqual({ value: 230, carried: true, apportioned: false });
  });

  it('leaves out units of other periods than the target’s', () => {
    // A ward abolished in 2020 lay in W1: it does not have to be covered for a target of 2026 … (W1's own is used).
    const older: MapUnit = { id: 'W0', parentId: 'D', kind: 'commune', validFrom: null, validTo: '2020-12-31' };
    const map = new GeographyMap(new TreeIndex([...units, older], [...links, { fromId: 'W0', toId: 'W1', fraction: 1 }]), '2026-01-01');
    const carried = carry(map, ['C2'], [t('W3', 'households', 40)]);
    expect(carried.get('C2')!.get(KEY('households'))!.value).toBe(20);
    const withOld = carry(map, ['C1'], [t('W1', 'households', 1), t('W2', 'households', 1), t('W3', 'households', 2)]);
    expect(withOld.get('C1')!.get(KEY('households'))!.value).toBe(3);
  });
});
