import { bucketsBetween, bucketStart, Period, storedBuckets } from './periods';

describe('periods', () => {
  it('finds ISO weeks, months, quarters and years', () => {
    expect(bucketStart(Period.Week, '2026-11-23')).toBe('2026-11-23'); // a Monday
    expect(bucketStart(Period.Week, '2026-11-29')).toBe('2026-11-23'); // Sunday belongs to the week before
    expect(bucketStart(Period.Week, '2026-01-01')).toBe('2025-12-29'); // ISO week 1 of 2026 starts in 2025
    expect(storedBuckets('2026-08-15')).toEqual({ W: '2026-08-10', M: '2026-08-01', Q: '2026-07-01', Y: '2026-01-01', A: '1900-01-01' });
  });

  it('lists the buckets of a range with their last days', () => {
    expect(bucketsBetween(Period.Month, '2026-11-15', '2027-01-03')).toEqual([
      { start: '2026-11-01', end: '2026-11-30' },
      { start: '2026-12-01', end: '2026-12-31' },
      { start: '2027-01-01', end: '2027-01-31' },
    ]);
    expect(bucketsBetween(Period.Quarter, '2026-02-01', '2026-04-01').map((b) => b.end)).toEqual(['2026-03-31', '2026-06-30']);
    expect(bucketsBetween(Period.Week, '2026-11-25', '2026-12-01')).toEqual([
      { start: '2026-11-23', end: '2026-11-29' },
      { start: '2026-11-30', end: '2026-12-06' },
    ]);
    expect(bucketsBetween(Period.Cumulative, '2020-01-01', '2026-11-23')).toEqual([{ start: '1900-01-01', end: '2026-11-23' }]);
  });
});
