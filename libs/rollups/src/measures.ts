import { ASSIST_SERVICES } from '@cdtg/assists';
import { StoredGrain } from './periods';

/**
 * Every measure a rollup cell holds, in column order: the one list behind the cell table, the fact arithmetic, the
 * SQL that reads facts, the full rebuild and the answers. Counts of distinct households and volunteers are sums of
 * "first in its bucket" flags, so every measure adds up over units and over the days of a bucket.
 */
export const MEASURES = [
  /** Households whose first entry in the bucket this is (distinct households reached in the bucket). */
  'households',
  /** Households whose first entry ever this is: summed up to a day, households reached to date. */
  'households_ever',
  'entries',
  /** Entries verified by a ward officer (basis "all"; in the verified basis it equals entries). */
  'entries_verified',
  ...ASSIST_SERVICES.flatMap((s) => [`done_${s}`, `follow_up_${s}`]),
  /** +1 when a household's service becomes open for a follow-up, −1 when a later visit settles it: summed to a day, follow-ups open. */
  'follow_ups_net',
  /** Members active in the bucket for the first time (distinct active volunteers). */
  'volunteers',
  'volunteers_ever',
  'sessions_held',
  'participants',
  'trained_female_under_35',
  'trained_female_35_59',
  'trained_female_60_plus',
  'trained_male_under_35',
  'trained_male_35_59',
  'trained_male_60_plus',
] as const;

export type Measure = (typeof MEASURES)[number];
export const MEASURE_INDEX: Record<Measure, number> = Object.fromEntries(MEASURES.map((m, i) => [m, i])) as Record<Measure, number>;

/** A vector of all measures, indexed as MEASURES. */
export type Vector = number[];
export const zero = (): Vector => new Array<number>(MEASURES.length).fill(0);
export const add = (into: Vector, v: Vector, factor = 1): Vector => {
  for (let i = 0; i < into.length; i++) into[i] += v[i] * factor;
  return into;
};
export const isZero = (v: Vector) => v.every((x) => x === 0);

/** Measures that are stocks: their value at a day is their sum from the beginning (households reached to date, follow-ups open). */
export const STOCKS: readonly Measure[] = ['households_ever', 'follow_ups_net', 'volunteers_ever'];

/** Measures counted from assistance entries: they differ by basis (sessions and volunteers are read from basis 0). */
export const ENTRY_MEASURES: ReadonlySet<string> = new Set(['households', 'households_ever', 'entries', 'entries_verified', 'follow_ups_net', ...ASSIST_SERVICES.flatMap((s) => [`done_${s}`, `follow_up_${s}`])]);

/** True when a stored row of `rowBasis` counts for `measure` in an answer of `basis`: entry measures from the asked basis, the others from basis 0. */
export const countsIn = (measure: string, rowBasis: number, basis: Basis): boolean => (ENTRY_MEASURES.has(measure) ? rowBasis === basis : rowBasis === Basis.All);

/** Whose rows a basis counts: every valid entry, or only verified ones (sessions and volunteers count in both). */
export enum Basis {
  All = 0,
  Verified = 1,
}

/** Flag bits of entry and volunteer facts: counted, and first in its day, week, month, quarter, year, ever. */
export const FLAG = { counted: 1, D: 2, W: 4, M: 8, Q: 16, Y: 32, ever: 64 } as const;
/** The flag that makes a fact the first of its kind in a bucket of each grain ('A', all time: ever). */
export const GRAIN_FLAG: Record<StoredGrain | 'D', number> = { D: FLAG.D, W: FLAG.W, M: FLAG.M, Q: FLAG.Q, Y: FLAG.Y, A: FLAG.ever };
