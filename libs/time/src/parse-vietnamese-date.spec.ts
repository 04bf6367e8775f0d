import { parseVietnameseDate } from './dates';

describe('parseVietnameseDate: days as Vietnamese people and Excel (vi-VN) write them', () => {
  it.each([
    ['2025-03-15', '2025-03-15'],
    ['2025-3-5', '2025-03-05'],
    ['2025/03/15', '2025-03-15'],
    ['15/03/2025', '2025-03-15'],
    ['5/3/2025', '2025-03-05'],
    ['15-03-2025', '2025-03-15'],
    ['15.03.2025', '2025-03-15'],
    ['03/04/2025', '2025-04-03'], // day first, always: 3 April, never 4 March
    ['12/01/2025', '2025-01-12'],
    ['2025-03-15 00:00:00', '2025-03-15'], // Excel, a cell formatted as date and time
    ['2025-03-15T00:00', '2025-03-15'],
    ['15/03/2025 0:00', '2025-03-15'],
    ['15/03/2025 12:00:00 SA', '2025-03-15'],
    [' 15/03/2025\u00a0', '2025-03-15'],
    ["'15/03/2025", '2025-03-15'],
    ['１５/０３/２０２５', '2025-03-15'],
    ['29/02/2024', '2024-02-29'],
  ])('%s → %s', (input, expected) => expect(parseVietnameseDate(input)).toBe(expected));

  it.each([
    '31/02/2025', // no such day
    '29/02/2025',
    '2025-02-30',
    '15/13/2025',
    '03/15/2025', // month first (US): month 15 does not exist, and month-first is never read
    '15/03/25', // which century?
    '15/03-2025', // mixed separators
    '2025-03-15 24:00',
    '2025-03-15T00:00:00Z', // a moment, not a day: in Vietnam it may be another date
    '45731', // an Excel serial number
    '01/01/0025',
    '1899-12-31',
    '15 tháng 3 năm 2025',
    '',
  ])('refuses %s', (input) => expect(parseVietnameseDate(input)).toBeNull());
});
