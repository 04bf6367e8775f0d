import { parseVietnamTime, vietnamDate, vietnamIso } from './dates';

describe('Vietnam time', () => {
  it('reads local time in Asia/Ho_Chi_Minh, or ISO with an offset', () => {
    expect(parseVietnamTime('2026-11-20T09:30')!.toISOString()).toBe('2026-11-20T02:30:00.000Z');
    expect(parseVietnamTime('2026-11-20 09:30:15')!.toISOString()).toBe('2026-11-20T02:30:15.000Z');
    expect(parseVietnamTime('2026-11-20T02:30:00Z')!.toISOString()).toBe('2026-11-20T02:30:00.000Z');
    expect(parseVietnamTime('2026-11-20T09:30:00+07:00')!.toISOString()).toBe('2026-11-20T02:30:00.000Z');
    expect(parseVietnamTime('2026-02-30T09:30')).toBeNull();
    expect(parseVietnamTime('2026-11-20T24:30')).toBeNull();
    expect(parseVietnamTime('yesterday')).toBeNull();
  });

  it('gives the Vietnamese calendar day of a moment', () => {
    expect(vietnamDate(new Date('2026-11-20T16:59:59Z'))).toBe('2026-11-20');
    expect(vietnamDate(new Date('2026-11-20T17:00:00Z'))).toBe('2026-11-21');
    expect(vietnamIso(new Date('2026-11-20T02:30:00Z'))).toBe('2026-11-20T09:30:00+07:00');
  });
});
