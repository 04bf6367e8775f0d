import { addDays, weekStart } from '@cdtg/time';

/** The periods rollups answer for. Days are calendar days in Asia/Ho_Chi_Minh (YYYY-MM-DD). */
export enum Period {
  Day = 'day',
  Week = 'week',
  Month = 'month',
  Quarter = 'quarter',
  Year = 'year',
  /** Everything from the first record up to the end of the range. */
  Cumulative = 'cumulative',
}

/** Grains kept pre-aggregated in rollup_cell: weeks, months, quarters, years and all time ('A'). Days come from facts. */
export type StoredGrain = 'W' | 'M' | 'Q' | 'Y' | 'A';
export const STORED_GRAINS: readonly StoredGrain[] = ['W', 'M', 'Q', 'Y', 'A'];
/** The bucket of the all-time cell. */
export const ALL_TIME = '1900-01-01';

export interface Bucket {
  start: string;
  end: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const parts = (day: string) => day.split('-').map(Number) as [number, number, number];

export { weekStart };

export function monthStart(day: string): string {
  const [y, m] = parts(day);
  return `${y}-${pad(m)}-01`;
}

export function quarterStart(day: string): string {
  const [y, m] = parts(day);
  return `${y}-${pad(Math.floor((m - 1) / 3) * 3 + 1)}-01`;
}

export function yearStart(day: string): string {
  return `${parts(day)[0]}-01-01`;
}

/** The first day of the bucket of `period` holding `day` (cumulative: the all-time bucket). */
export function bucketStart(period: Period, day: string): string {
  switch (period) {
    case Period.Day:
      return day;
    case Period.Week:
      return weekStart(day);
    case Period.Month:
      return monthStart(day);
    case Period.Quarter:
      return quarterStart(day);
    case Period.Year:
      return yearStart(day);
    case Period.Cumulative:
      return ALL_TIME;
    default: {
      const unknown: never = period;
      throw new Error(`unknown period ${String(unknown)}`);
    }
  }
}

/** The first day of the next bucket. */
export function nextBucket(period: Period, start: string): string {
  const [y, m] = parts(start);
  switch (period) {
    case Period.Day:
      return addDays(start, 1);
    case Period.Week:
      return addDays(start, 7);
    case Period.Month:
      return m === 12 ? `${y + 1}-01-01` : `${y}-${pad(m + 1)}-01`;
    case Period.Quarter:
      return m >= 10 ? `${y + 1}-01-01` : `${y}-${pad(m + 3)}-01`;
    case Period.Year:
      return `${y + 1}-01-01`;
    case Period.Cumulative:
      return '9999-12-31';
    default: {
      const unknown: never = period;
      throw new Error(`unknown period ${String(unknown)}`);
    }
  }
}

/** The buckets of `period` from the one holding `from` to the one holding `to`, each with its last day. */
export function bucketsBetween(period: Period, from: string, to: string): Bucket[] {
  if (period === Period.Cumulative) return [{ start: ALL_TIME, end: to }];
  const out: Bucket[] = [];
  for (let start = bucketStart(period, from); start <= to; start = nextBucket(period, start)) {
    out.push({ start, end: addDays(nextBucket(period, start), -1) });
  }
  return out;
}

/** The stored grain of a period, when it has one. */
export function storedGrain(period: Period): StoredGrain | null {
  return ({ [Period.Week]: 'W', [Period.Month]: 'M', [Period.Quarter]: 'Q', [Period.Year]: 'Y', [Period.Cumulative]: 'A', [Period.Day]: null } as const)[
    period
  ];
}

/** The bucket starts of a day in every stored grain. */
export function storedBuckets(day: string): Record<StoredGrain, string> {
  return { W: weekStart(day), M: monthStart(day), Q: quarterStart(day), Y: yearStart(day), A: ALL_TIME };
}
