import { DomainError } from '@cdtg/errors';

export const VIETNAM_TZ = 'Asia/Ho_Chi_Minh';

/** Vietnam keeps UTC+07:00 all year (no daylight saving since 1975), so local time is UTC plus a constant. */
const OFFSET_MS = 7 * 3600_000;

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const ZONED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export const TIME_FORMAT_HINT = 'must be a time written 2026-12-05T08:00 (Vietnam time) or in full ISO 8601 with an offset, e.g. 2026-12-05T08:00:00+07:00';

/**
 * A time as entered: `2026-12-05T08:00` (or with seconds) is Vietnam time (Asia/Ho_Chi_Minh); a full ISO 8601
 * time with `Z` or an offset is taken as written. Anything else is a clear error naming `field`.
 */
export function parseVietnamTime(value: string, field: string): Date {
  const text = String(value ?? '').trim();
  const local = LOCAL.exec(text);
  const zoned = local ? null : ZONED.exec(text);
  const parts = local ?? zoned;
  if (!parts) throw DomainError.invalid(field, TIME_FORMAT_HINT);
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map((p) => Number(p ?? 0));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw DomainError.invalid(field, 'is not a real date and time');
  }
  if (local) return new Date(wall - OFFSET_MS);
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) throw DomainError.invalid(field, TIME_FORMAT_HINT);
  return parsed;
}

/** `2026-12-05T08:00:00+07:00`: how times are shown (Vietnam time, with the offset so nothing is ambiguous). */
export function formatVietnamTime(at: Date): string {
  return `${new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

/** The calendar date (YYYY-MM-DD) in Vietnam at `at`. */
export function vietnamDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight in Vietnam at the start of a YYYY-MM-DD date. */
export function startOfVietnamDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - OFFSET_MS);
}

/** The Monday (YYYY-MM-DD, Vietnam calendar) of the week containing `at`. */
export function vietnamWeekStart(at: Date): string {
  const local = new Date(at.getTime() + OFFSET_MS);
  const daysSinceMonday = (local.getUTCDay() + 6) % 7;
  return new Date(local.getTime() - daysSinceMonday * 86_400_000).toISOString().slice(0, 10);
}
