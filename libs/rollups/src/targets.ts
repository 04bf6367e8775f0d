import { ASSIST_SERVICE_NAMES, ASSIST_SERVICES } from '@cdtg/assists';
import { addDays } from '@cdtg/time';
import { GeographyMap, isFractionalShare, MapUnit } from './geography-map';
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
 * targets of the units of the other tree (in force in the target's period) whose territory lies (partly) in it,
 * through the reorganisation links, with the share F(X, T) of each that lies in it (the same fractions as the
 * figures: geography-map.ts). Counts are apportioned: Σ target(X) × F(X, T). Percentages carry as a percentage: the
 * mean of the carried ones weighted by F(X, T) × households of X (by F alone when a household count is missing), so
 * one predecessor's 60 % is the successor's 60 %.
 *
 * A target carries only when it speaks for ALL of T: every unit of the other tree that lies (partly) in T must be
 * covered, by its own target or by targets covering all of its part in T, or by a unit above it whose target can be
 * shared into T (F > 0); a residential group lying in T apart from its ward (a split ward's group) never is. The
 * row's actual counts all of T, so a target of two of its five predecessors would understate the gap; such a T gets
 * no carried target. Of a unit and the units under it, the more detailed are used when they cover all of its part in
 * T, else the unit's own (an old district's target is not dropped for one of its wards).
 */
export function carryTargets(
  map: GeographyMap,
  unitIds: readonly string[],
  stored: readonly StoredTarget[],
  kindOf: (measure: string) => TargetKind | undefined,
  householdsOf: (unitId: string) => number,
  grain: TargetGrain,
): Map<string, Map<string, UnitTarget>> {
  const out = new Map<string, Map<string, UnitTarget>>(unitIds.map((id) => [id, new Map()]));
  const key = (t: StoredTarget) => `${t.measure}|${t.periodStart}`;
  // Own targets first.
  for (const t of stored) out.get(t.unitId)?.set(key(t), { value: t.value, carried: false, apportioned: false });
  // Targets of units not in force on the day, by key.
  const foreign = new Map<string, Map<string, number>>();
  for (const t of stored) {
    if (map.isValid(t.unitId) || !map.knows(t.unitId)) continue;
    const byUnit = foreign.get(key(t)) ?? new Map<string, number>();
    byUnit.set(t.unitId, t.value);
    foreign.set(key(t), byUnit);
  }
  if (!foreign.size) return out;
  const lying = lyingIn(map);
  for (const [k, holders] of foreign) {
    const [measure, periodStart] = k.split('|');
    const kind = kindOf(measure);
    if (!kind) continue;
    const bucket = targetBucket(grain, periodStart);
    for (const [unitId, own] of out) {
      if (own.get(k)?.carried === false) continue;
      const pieces = (lying.get(unitId) ?? []).filter(
        ({ unit }) => (unit.validFrom ?? '0000-01-01') <= bucket.end && (unit.validTo ?? '9999-12-31') >= bucket.start,
      );
      if (!pieces.some(({ unit }) => holders.has(unit.id))) continue;
      const carried = coveredTarget(pieces, holders, kind, householdsOf);
      if (carried) own.set(k, carried);
    }
  }
  return out;
}

type Piece = { unit: MapUnit; fraction: number };
const LYING = new WeakMap<GeographyMap, Map<string, Piece[]>>();

/**
 * For each unit of the map's day, the units of other periods lying (partly) in it, with F(X, T): those that may hold
 * targets, and any other (a residential group) whose parent has no share in it (a split ward's group placed by its
 * own link), as nothing can cover that part. Once per map (maps are shared and never change).
 */
function lyingIn(map: GeographyMap): Map<string, Piece[]> {
  let lying = LYING.get(map);
  if (lying) return lying;
  lying = new Map();
  const kinds = new Set(TARGET_UNIT_KINDS);
  const none = new Map<string, number>();
  for (const unit of map.unitList) {
    if (map.isValid(unit.id)) continue;
    const parent = kinds.has(unit.kind ?? '') ? none : unit.parentId ? map.fractionsOf(unit.parentId) : none;
    for (const [unitId, fraction] of map.fractionsOf(unit.id)) {
      if (fraction <= 1e-9 || (parent.get(unitId) ?? 0) > 1e-9) continue;
      const list = lying.get(unitId);
      if (list) list.push({ unit, fraction });
      else lying.set(unitId, [{ unit, fraction }]);
    }
  }
  LYING.set(map, lying);
  return lying;
}

interface Part {
  value: number;
  weight: number;
  apportioned: boolean;
}

/**
 * The target carried into one unit from the units of the other tree lying in it (`pieces`, with their F), or null
 * when their targets do not cover it all. Walks the pieces' own tree: a piece is covered by its children when all of
 * its children lying in the unit are (the more detailed first), else by its own target.
 */
function coveredTarget(
  pieces: readonly Piece[],
  holders: ReadonlyMap<string, number>,
  kind: TargetKind,
  householdsOf: (unitId: string) => number,
): UnitTarget | null {
  const fractions = new Map(pieces.map(({ unit, fraction }) => [unit.id, fraction]));
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const { unit } of pieces) {
    if (unit.parentId && fractions.has(unit.parentId)) children.set(unit.parentId, [...(children.get(unit.parentId) ?? []), unit.id]);
    else roots.push(unit.id);
  }
  const sum = (parts: (Part | null)[]): Part | null =>
    parts.every((p) => p)
      ? parts.reduce<Part>((s, p) => ({ value: s.value + p!.value, weight: s.weight + p!.weight, apportioned: s.apportioned || p!.apportioned }), {
          value: 0,
          weight: 0,
          apportioned: false,
        })
      : null;
  const part = (id: string): Part | null => {
    const kids = children.get(id);
    const detailed = kids ? sum(kids.map(part)) : null;
    if (detailed) return detailed;
    const target = holders.get(id);
    if (target === undefined) return null;
    const fraction = fractions.get(id)!;
    const households = householdsOf(id);
    const weight = fraction * (households > 0 ? households : 1);
    return kind === TargetKind.Count
      ? { value: target * fraction, weight: fraction, apportioned: isFractionalShare(fraction) }
      : { value: target * weight, weight, apportioned: isFractionalShare(fraction) };
  };
  const whole = sum(roots.map(part));
  if (!whole) return null;
  return { value: kind === TargetKind.Count ? whole.value : whole.value / whole.weight, carried: true, apportioned: whole.apportioned };
}

/** The first and last day of the period of `grain` starting on `start`. */
export function targetBucket(grain: TargetGrain, start: string): Bucket {
  const [y, m] = start.split('-').map(Number);
  const months = grain === 'M' ? 1 : grain === 'Q' ? 3 : 12;
  const next = new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10);
  return { start, end: addDays(next, -1) };
}
