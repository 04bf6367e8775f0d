import { DomainError } from '@cdtg/errors';
import { addDays, isIsoDate, periodCovers, periodsOverlap, requireIsoDate, weekStart } from './dates';
import { formatVietnamTime, parseVietnamTime, requireVietnamTime, startOfVietnamDay, vietnamDate, vietnamWeekStart } from './vietnam-time';

const iso = (value: string) => parseVietnamTime(value)?.toISOString() ?? null;
const problems = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as DomainError).fields;
  }
  throw new Error('expected a DomainError');
};

describe('parseVietnamTime: the one rule for a written moment', () => {
  it.each([
    ['2026-11-20T09:30', '2026-11-20T02:30:00.000Z'], // Vietnam time, no offset
    ['2026-11-20 09:30:15', '2026-11-20T02:30:15.000Z'], // a space for the T, seconds
    ['  2026-11-20T09:30  ', '2026-11-20T02:30:00.000Z'], // spaces around
    ['2026-11-20T09:30:15.5', '2026-11-20T02:30:15.500Z'],
    ['2026-11-20T02:30:00Z', '2026-11-20T02:30:00.000Z'],
    ['2026-11-20T02:30Z', '2026-11-20T02:30:00.000Z'],
    ['2026-11-20T09:30:00+07:00', '2026-11-20T02:30:00.000Z'],
    ['2026-11-20T09:30:00+0700', '2026-11-20T02:30:00.000Z'], // the offset without its colon, as phones send it
    ['2026-11-20T09:30+0700', '2026-11-20T02:30:00.000Z'],
    ['2026-11-20T03:30:00.123456789+01:00', '2026-11-20T02:30:00.123Z'], // fractions beyond milliseconds dropped
    ['2026-11-19T21:30:00-05:00', '2026-11-20T02:30:00.000Z'],
    ['2026-11-20 09:30:00+07:00', '2026-11-20T02:30:00.000Z'],
    ['2026-11-21T00:00', '2026-11-20T17:00:00.000Z'], // midnight in Vietnam is 17:00 UTC the day before
  ])('%s → %s', (input, expected) => expect(iso(input)).toBe(expected));

  it.each([
    'yesterday',
    '',
    '05/12/2026 08:00', // day first: a date, not a time (parseVietnameseDate reads it)
    '2026-12-05', // a day without a time
    '2026-12-05T8:00', // one-digit hour
    '2026-12-05T08:00:00 +07:00', // a space before the offset
    '2026-12-05T08:00:00+7', // a short offset
    '2026-12-05T08:00:00 ICT', // a zone name
    '2026-02-30T09:30', // no such day
    '2026-11-20T24:00', // no such hour
    '2026-11-20T09:60',
    '2026-11-20T09:30:60',
    '2026-11-20T09:30:00+15:00', // no such offset
    '2026-11-20T09:30:00+07:60',
  ])('refuses %j', (input) => expect(parseVietnamTime(input)).toBeNull());

  it('names the field and the reason when an argument must be a time', () => {
    expect(requireVietnamTime('2026-12-05T08:00:00+0700', 'f').toISOString()).toBe('2026-12-05T01:00:00.000Z');
    expect(problems(() => requireVietnamTime('05/12/2026 08:00', 'input.startsAt'))).toEqual([
      expect.objectContaining({ path: ['input', 'startsAt'], reason: 'BAD_TIME', message: expect.stringContaining('2026-11-20T09:30') }),
    ]);
    expect(problems(() => requireVietnamTime('2026-02-30T08:00', 'input.startsAt'))).toEqual([
      expect.objectContaining({ path: ['input', 'startsAt'], reason: 'NOT_A_REAL_TIME', message: 'is not a real date and time' }),
    ]);
    expect(problems(() => requireVietnamTime('2026-12-05T24:00', 'x'))).toEqual([expect.objectContaining({ path: ['x'], reason: 'NOT_A_REAL_TIME' })]);
  });
});

describe('Vietnam days, weeks, months and quarters', () => {
  it('keeps UTC+07:00 all year: no daylight saving', () => {
    for (const month of ['01', '03', '04', '06', '07', '10', '11', '12']) {
      expect(iso(`2026-${month}-15T07:00`)).toBe(`2026-${month}-15T00:00:00.000Z`);
      expect(formatVietnamTime(new Date(`2026-${month}-15T00:00:00Z`))).toBe(`2026-${month}-15T07:00:00+07:00`);
    }
  });

  it('starts a day at 17:00 UTC the day before', () => {
    expect(vietnamDate(new Date('2026-11-20T16:59:59.999Z'))).toBe('2026-11-20');
    expect(vietnamDate(new Date('2026-11-20T17:00:00Z'))).toBe('2026-11-21');
    expect(startOfVietnamDay('2026-12-07').toISOString()).toBe('2026-12-06T17:00:00.000Z');
    expect(formatVietnamTime(new Date('2026-12-04T17:30:00Z'))).toBe('2026-12-05T00:30:00+07:00');
  });

  it('turns months, quarters and years at midnight in Vietnam', () => {
    expect(vietnamDate(new Date('2026-01-31T16:59:59Z'))).toBe('2026-01-31');
    expect(vietnamDate(new Date('2026-01-31T17:00:00Z'))).toBe('2026-02-01'); // a new month
    expect(vietnamDate(new Date('2026-02-28T17:00:00Z'))).toBe('2026-03-01'); // not a leap year
    expect(vietnamDate(new Date('2028-02-28T17:00:00Z'))).toBe('2028-02-29');
    expect(vietnamDate(new Date('2026-03-31T16:59:59Z'))).toBe('2026-03-31'); // still Q1
    expect(vietnamDate(new Date('2026-03-31T17:00:00Z'))).toBe('2026-04-01'); // Q2
    expect(vietnamDate(new Date('2026-12-31T17:00:00Z'))).toBe('2027-01-01'); // a new year while it is still 2026 in UTC
    expect(startOfVietnamDay('2026-07-01').toISOString()).toBe('2026-06-30T17:00:00.000Z');
  });

  it('starts weeks on Monday, in Vietnam', () => {
    const lateEvening = new Date('2026-12-06T17:30:00Z'); // Monday 00:30 in Vietnam
    expect(vietnamWeekStart(lateEvening)).toBe('2026-12-07');
    expect(vietnamWeekStart(new Date('2026-12-06T16:59:00Z'))).toBe('2026-11-30'); // still Sunday there
    expect(weekStart('2026-12-07')).toBe('2026-12-07'); // a Monday
    expect(weekStart('2026-12-13')).toBe('2026-12-07'); // its Sunday
    expect(weekStart('2027-01-01')).toBe('2026-12-28'); // across a year
  });
});

describe('calendar days', () => {
  it('knows real dates and counts days', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-2-1')).toBe(false);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(requireIsoDate('2026-12-05', 'on')).toBe('2026-12-05');
    expect(problems(() => requireIsoDate('05/12/2026', ['filter', 'from']))).toEqual([
      { path: ['filter', 'from'], reason: 'BAD_DATE', message: 'must be a date written YYYY-MM-DD' },
    ]);
  });

  it('compares inclusive periods, null meaning unbounded', () => {
    expect(periodsOverlap({ from: '2025-01-01', to: '2025-06-30' }, { from: '2025-06-30', to: null })).toBe(true);
    expect(periodsOverlap({ from: '2025-01-01', to: '2025-06-30' }, { from: '2025-07-01', to: null })).toBe(false);
    expect(periodCovers({ from: null, to: null }, { from: '2025-07-01', to: null })).toBe(true);
    expect(periodCovers({ from: '2025-01-01', to: '2025-06-30' }, { from: '2025-07-01', to: null })).toBe(false);
  });
});
