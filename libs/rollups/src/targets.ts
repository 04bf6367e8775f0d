import { ASSIST_SERVICE_NAMES, ASSIST_SERVICES } from '@cdtg/assists';
import { addDays } from '@cdtg/time';
import { GeographyMap, isFractionalShare } from './geography-map';
import { figureOf, Header, MEASURE_INDEX, MeasureFigures, SHOWN, Vector } from './measures';
import { Bucket, Period } from './periods';

// -----------------------------------------------------------------------------------------------------------------
// Targets (chỉ tiêu): what a unit should reach in a period, per measure. The one place for the target measures, the
// periods targets are set for, the "behind plan" rule and how a target carries between the trees of the reform.

/** A percentage (coverage measures: 0–100) or a count (everything else). */
export enum TargetKind {
  Percent = 'percent',
  Count = 'count',
}

/** What a target measure's actual is read from in a coverage row. */
type Actual = (row: MeasureFigures & { coveragePercent: number | null; households: number | null }, stock: Vector) => number | null;

export interface TargetMeasure {
  key: string;
  /** Its position in TARGET_MEASURES (the order of a row's targets). */
  order: number;
  kind: TargetKind;
  header: Header;
  actual: Actual;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The measures a target can be set for: coverage (households reached to date / households, %), the coverage of each
 * service (entries with the service done, to date, / households, %), and a count target for every figure a coverage
 * row shows (households reached, sessions held, participants, people trained by gender and age band, …), read as the
 * row shows it for the period.
 */
export const TARGET_MEASURES: readonly TargetMeasure[] = (
  [
    {
      key: 'coverage',
      kind: TargetKind.Percent,
      header: { vi: 'Tỷ lệ bao phủ (%)', en: 'Coverage (%)' },
      actual: (row) => row.coveragePercent,
    },
    ...ASSIST_SERVICES.map((service) => ({
      key: `coverage_${service}`,
      kind: TargetKind.Percent,
      header: { vi: `${ASSIST_SERVICE_NAMES[service].vi}: tỷ lệ hộ (%)`, en: `${ASSIST_SERVICE_NAMES[service].en}: coverage (%)` },
      actual: ((row, stock) =>
        row.households ? round1((stock[MEASURE_INDEX[`done_${service}` as keyof typeof MEASURE_INDEX]] / row.households) * 100) : null) as Actual,
    })),
    ...SHOWN.map((m) => ({ key: m.name as string, kind: TargetKind.Count, header: m.row.header, actual: ((row) => figureOf(row, m)) as Actual })),
  ] as Omit<TargetMeasure, 'order'>[]
).map((m, order) => ({ ...m, order }));
export const TARGET_MEASURE_KEYS = TARGET_MEASURES.map((m) => m.key);
const BY_KEY = new Map(TARGET_MEASURES.map((m) => [m.key, m]));
export const targetMeasure = (key: string): TargetMeasure | undefined => BY_KEY.get(key);

/** Units a target is set for: provinces, districts (before the reform), communes and special zones (not residential groups). */
export const TARGET_UNIT_KINDS: readonly string[] = ['province', 'district', 'commune', 'special_zone'];

/** The periods targets are set for, with their stored grain; other periods' rows carry no target. */
export const TARGET_GRAINS: Partial<Record<Period, 'M' | 'Q' | 'Y'>> = { [Period.Month]: 'M', [Period.Quarter]: 'Q', [Period.Year]: 'Y' };
export type TargetGrain = 'M' | 'Q' | 'Y';
export const GRAIN_PERIOD: Record<TargetGrain, Period> = { M: Period.Month, Q: Period.Quarter, Y: Period.Year };

/** The most a count target may be, and a percentage. */
export const MAX_COUNT_TARGET = 100_000_000;

const dayNumber = (day: string) => Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / 86_400_000;

/**
 * The share of a period elapsed on `today` (a Vietnam day): days from its first day to today, both counted, over its
 * days; 0 before it starts, 1 from its last day on.
 */
export function elapsedShare(bucket: Bucket, today: string): number {
  if (today < bucket.start) return 0;
  if (today >= bucket.end) return 1;
  return (dayNumber(today) - dayNumber(bucket.start) + 1) / (dayNumber(bucket.end) - dayNumber(bucket.start) + 1);
}

export interface TargetProgress {
  measure: string;
  kind: TargetKind;
  /** The target for the whole period. */
  target: number;
  /** The row's figure of the measure (null: a percentage of a unit without a household count). */
  actual: number | null;
  /** target − actual: what is still to do (≤ 0: reached); null with no actual. */
  gap: number | null;
  /** The target pro-rated to the elapsed share of the period: what should be reached by now. */
  expected: number;
  /** "Chậm tiến độ": the actual is below `expected` (see behindPlan). */
  behindPlan: boolean;
  /** The target was set on units of the other tree (before or after a reorganisation) and carried to this unit. */
  carried: boolean;
  /** Part of the carried target is a fractional share of a split unit's target (an estimate, like apportioned figures). */
  apportioned: boolean;
}

/**
 * THE rule of "behind plan" (chậm tiến độ): the actual is below the target pro-rated to the elapsed share of the
 * period (target × elapsedShare). Percentages and counts alike; a row without an actual is never behind.
 */
export function progressOf(
  measure: TargetMeasure,
  target: { value: number; carried: boolean; apportioned: boolean },
  actual: number | null,
  share: number,
): TargetProgress {
  const expected = Math.round(target.value * share * 1000) / 1000;
  return {
    measure: measure.key,
    kind: measure.kind,
    target: Math.round(target.value * 1000) / 1000,
    actual,
    gap: actual === null ? null : Math.round((target.value - actual) * 1000) / 1000,
    expected,
    behindPlan: actual !== null && actual < expected,
    carried: target.carried,
    apportioned: target.apportioned,
  };
}

// -----------------------------------------------------------------------------------------------------------------
// Carrying targets between trees.

export interface StoredTarget {
  unitId: string;
  measure: string;
  periodStart: string;
  value: number;
}

export interface UnitTarget {
  value: number;
  carried: boolean;
  apportioned: boolean;
}

/**
 * The target of each unit of the map's day, per `measure|periodStart`: its own when it has one; otherwise the
 * targets of the units of other periods whose territory lies (partly) in it, through the reorganisation links, with
 * the share F(X, T) of each that lies in it (the same fractions as the figures: geography-map.ts). Counts are
 * apportioned: Σ target(X) × F(X, T). Percentages carry as a percentage: the mean of the carried ones weighted by
 * F(X, T) × households of X (by F alone when a household count is missing), so one predecessor's 60 % is the
 * successor's 60 %. When both a unit and a unit under it carry a target in, the more detailed (lower) one is used.
 */
export function carryTargets(
  map: GeographyMap,
  unitIds: readonly string[],
  stored: readonly StoredTarget[],
  kindOf: (measure: string) => TargetKind | undefined,
  householdsOf: (unitId: string) => number,
): Map<string, Map<string, UnitTarget>> {
  const out = new Map<string, Map<string, UnitTarget>>(unitIds.map((id) => [id, new Map()]));
  const key = (t: StoredTarget) => `${t.measure}|${t.periodStart}`;
  // Own targets first.
  for (const t of stored) out.get(t.unitId)?.set(key(t), { value: t.value, carried: false, apportioned: false });
  // Targets of units not in force on the day, by key, with where they lie.
  const foreign = new Map<string, StoredTarget[]>();
  for (const t of stored) {
    if (map.isValid(t.unitId) || !map.knows(t.unitId)) continue;
    const list = foreign.get(key(t));
    if (list) list.push(t);
    else foreign.set(key(t), [t]);
  }
  for (const [k, targets] of foreign) {
    const kind = kindOf(k.split('|')[0]);
    if (!kind) continue;
    // The more detailed wins: drop a unit when a unit under it carries the same key.
    const ids = new Set(targets.map((t) => t.unitId));
    const dominated = new Set<string>();
    for (const t of targets) for (let p = map.parentOf(t.unitId); p; p = map.parentOf(p)) if (ids.has(p)) dominated.add(p);
    const sums = new Map<string, { value: number; weight: number; apportioned: boolean }>();
    for (const t of targets) {
      if (dominated.has(t.unitId)) continue;
      for (const [unitId, fraction] of map.fractionsOf(t.unitId)) {
        const own = out.get(unitId);
        if (!own || own.get(k)?.carried === false || fraction <= 1e-9) continue;
        const s = sums.get(unitId) ?? { value: 0, weight: 0, apportioned: false };
        const households = householdsOf(t.unitId);
        const weight = fraction * (households > 0 ? households : 1);
        if (kind === TargetKind.Count) s.value += t.value * fraction;
        else {
          s.value += t.value * weight;
          s.weight += weight;
        }
        s.apportioned ||= isFractionalShare(fraction);
        sums.set(unitId, s);
      }
    }
    for (const [unitId, s] of sums) {
      out.get(unitId)!.set(k, { value: kind === TargetKind.Count ? s.value : s.value / s.weight, carried: true, apportioned: s.apportioned });
    }
  }
  return out;
}

/** The first and last day of the period of `grain` starting on `start`. */
export function targetBucket(grain: TargetGrain, start: string): Bucket {
  const [y, m] = start.split('-').map(Number);
  const months = grain === 'M' ? 1 : grain === 'Q' ? 3 : 12;
  const next = new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10);
  return { start, end: addDays(next, -1) };
}
