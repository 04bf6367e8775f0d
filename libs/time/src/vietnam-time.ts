import { DomainError, Reason } from '@cdtg/errors';
import { isIsoDate, weekStart } from './dates';

export const VIETNAM_TZ = 'Asia/Ho_Chi_Minh';

/** Vietnam keeps UTC+07:00 all year (no daylight saving since 1975), so local time is UTC plus a constant. */
const VIETNAM_OFFSET_MS = 7 * 3600_000;

/**
 * The one rule for a moment written by a person, a phone or a spreadsheet: a date and a time of day, `T` or a space
 * between them, seconds and fractions optional (fractions beyond milliseconds are dropped), then either nothing (the
 * time is Vietnam time, Asia/Ho_Chi_Minh) or `Z` or an offset written `+07:00` or `+0700` (taken as written).
 */
const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** The moment, or why not: not written as TIME says, or written so but no such day, hour or offset. */
function readVietnamTime(value: string): Date | 'format' | 'impossible' {
  const m = TIME.exec(String(value ?? '').trim());
  if (!m) return 'format';
  const [, y, mo, d, h, mi, s = '0', fraction = '0', zone] = m;
  if (!isIsoDate(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return 'impossible';
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(fraction.slice(0, 3).padEnd(3, '0')));
  if (!zone) return new Date(wall - VIETNAM_OFFSET_MS);
  if (zone === 'Z') return new Date(wall);
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  if (Number(z[2]) > 14 || Number(z[3]) > 59) return 'impossible';
  return new Date(wall - (Number(z[2]) * 60 + Number(z[3])) * 60_000 * (z[1] === '+' ? 1 : -1));
}

/** A moment as written (see TIME); null for anything else. */
export function parseVietnamTime(value: string): Date | null {
  const at = readVietnamTime(value);
  return at instanceof Date ? at : null;
}

/** The same, for an argument: anything else is a clear error naming `field` and what is expected. */
export function requireVietnamTime(value: string, field: string): Date {
  const at = readVietnamTime(value);
  if (at === 'format') throw DomainError.invalid(field, Reason.BadTime);
  if (at === 'impossible') throw DomainError.invalid(field, Reason.NotARealTime);
  return at;
}

/** `2026-12-05T08:00:00+07:00`: how times are shown (Vietnam time, with the offset so nothing is ambiguous). */
export function formatVietnamTime(at: Date): string {
  return `${new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

/** The calendar date (YYYY-MM-DD) in Vietnam at `at`. */
export function vietnamDate(at: Date): string {
  return new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight in Vietnam at the start of a YYYY-MM-DD date. */
export function startOfVietnamDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - VIETNAM_OFFSET_MS);
}

/** The Monday (YYYY-MM-DD, Vietnam calendar) of the week containing `at`. */
export function vietnamWeekStart(at: Date): string {
  return weekStart(vietnamDate(at));
}
