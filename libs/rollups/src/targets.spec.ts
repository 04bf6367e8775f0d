import { GeographyMap, MapLink, MapUnit, TreeIndex } from './geography-map';
import { Period } from './periods';
import { carryTargets, elapsedShare, progressOf, TARGET_GRAINS, targetBucket, targetMeasure, TargetKind } from './targets';

/** Old district D (wards W1, W2, W3) → new commune C1 (W1 + W2 + half of W3) and C2 (the other half of W3). */
const OLD = { validFrom: null, validTo: '2025-06-30' };
const NEW = { validFrom: '2025-07-01', validTo: null };
const units: MapUnit[] = [
  { id: 'P', parentId: null, ...OLD },
  { id: 'D', parentId: 'P', ...OLD },
  { id: 'W1', parentId: 'D', ...OLD },
  { id: 'W2', parentId: 'D', ...OLD },
  { id: 'W3', parentId: 'D', ...OLD },
  { id: 'Q', parentId: null, ...NEW },
  { id: 'C1', parentId: 'Q', ...NEW },
  { id: 'C2', parentId: 'Q', ...NEW },
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
const t = (unitId: string, measure: string, value: number) => ({ unitId, measure, periodStart: '2026-01-01', value });

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

  it('carries old units’ targets to the new tree: counts apportioned, percentages kept (households-weighted)', () => {
    const map = new GeographyMap(index, '2026-01-01');
    const carried = carryTargets(
      map,
      ['C1', 'C2'],
      [t('W1', 'households', 100), t('W3', 'households', 40), t('W1', 'coverage', 40), t('W2', 'coverage', 80), t('C2', 'sessions_held', 6)],
      kindOf,
      (id) => households[id] ?? 0,
    );
    expect(carried.get('C1')!.get('households|2026-01-01')).toEqual({ value: 120, carried: true, apportioned: true });
    expect(carried.get('C2')!.get('households|2026-01-01')).toEqual({ value: 20, carried: true, apportioned: true });
    // 1,000 households at 40 % and 3,000 at 80 %: 70 %.
    expect(carried.get('C1')!.get('coverage|2026-01-01')).toEqual({ value: 70, carried: true, apportioned: false });
    // Its own target stays its own.
    expect(carried.get('C2')!.get('sessions_held|2026-01-01')).toEqual({ value: 6, carried: false, apportioned: false });
  });

  it('uses a unit’s own target before carried ones, and the more detailed of an old unit and one under it', () => {
    const map = new GeographyMap(index, '2026-01-01');
    const carried = carryTargets(map, ['C1'], [t('C1', 'households', 7), t('W1', 'households', 100)], kindOf, () => 0);
    expect(carried.get('C1')!.get('households|2026-01-01')).toEqual({ value: 7, carried: false, apportioned: false });
    const detailed = carryTargets(map, ['C1'], [t('D', 'sessions_held', 50), t('W2', 'sessions_held', 4)], kindOf, () => 0);
    expect(detailed.get('C1')!.get('sessions_held|2026-01-01')!.value).toBe(4);
  });

  it('carries a new unit’s target back to its predecessors: counts shared by households, percentages as they are', () => {
    const weights = new Map(Object.entries(households));
    const map = new GeographyMap(index, '2025-06-30', weights);
    const carried = carryTargets(map, ['W1', 'W2', 'W3'], [t('C1', 'households', 500), t('C1', 'coverage', 60)], kindOf, (id) => households[id] ?? 0);
    const shares = ['W1', 'W2', 'W3'].map((w) => carried.get(w)!.get('households|2026-01-01')!);
    expect(shares.reduce((s, x) => s + x.value, 0)).toBeCloseTo(500);
    expect(shares.every((x) => x.carried)).toBe(true);
    expect(['W1', 'W2', 'W3'].map((w) => carried.get(w)!.get('coverage|2026-01-01')!.value)).toEqual([60, 60, 60]);
  });
});
