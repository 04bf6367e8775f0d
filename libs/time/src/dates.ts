/*
 * Calendar days, written YYYY-MM-DD. A day is a day in Vietnam (Asia/Ho_Chi_Minh) wherever the product names one;
 * these functions only count and compare days, so they hold for any calendar day.
 */
import { DomainError, Reason } from '@cdtg/errors';

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The date itself when it is a real date written YYYY-MM-DD; otherwise a clear error naming `field`. */
export function requireIsoDate(value: string, field: string | (string | number)[]): string {
  if (!isIsoDate(value)) throw DomainError.invalid(field, Reason.BadDate);
  return value;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Monday of the ISO week of a day. */
export function weekStart(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** Inclusive periods, null meaning unbounded. */
export function periodsOverlap(a: { from: string | null; to: string | null }, b: { from: string | null; to: string | null }): boolean {
  const aFrom = a.from ?? '0000-01-01';
  const aTo = a.to ?? '9999-12-31';
  const bFrom = b.from ?? '0000-01-01';
  const bTo = b.to ?? '9999-12-31';
  return aFrom <= bTo && bFrom <= aTo;
}

export function periodCovers(outer: { from: string | null; to: string | null }, inner: { from: string | null; to: string | null }): boolean {
  return (outer.from ?? '0000-01-01') <= (inner.from ?? '0000-01-01') && (outer.to ?? '9999-12-31') >= (inner.to ?? '9999-12-31');
}

/**
 * A calendar day as Vietnamese people and their spreadsheets write it (Excel in vi-VN), as YYYY-MM-DD; null when it
 * is not one. The one parser of written days for CSV imports; API arguments stay YYYY-MM-DD.
 * - Year first: 2025-03-15, 2025-3-5, 2025/03/15, 2025.03.15 (never ambiguous).
 * - Day first, the Vietnamese order: 15/03/2025, 5/3/2025, 15-03-2025, 15.03.2025. So 03/04/2025 is 3 April 2025,
 *   never 4 March: month-first (US) dates are not read.
 * - Either may be followed by a time, as Excel saves a cell formatted as date and time ("2025-03-15 00:00:00",
 *   "15/03/2025 0:00", "… 12:00:00 SA"); the time must be real and is dropped.
 * - Full-width digits, spaces (NBSP too) around it, and the apostrophe that forces text in a spreadsheet cell.
 * Refused: a two-digit year (15/03/25: which century?), mixed separators (15/03-2025), impossible days (31/02/2025),
 * years before 1900 (before Excel's calendar, and PostgreSQL has no year 0), Excel serial numbers (45731), words.
 */
export function parseVietnameseDate(value: string): string | null {
  const text = value.normalize('NFKC').trim().replace(/^'/, '').trim();
  const m =
    /^(?:(\d{4})([-/.])(\d{1,2})\2(\d{1,2})|(\d{1,2})([-/.])(\d{1,2})\6(\d{4}))(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?: ?(?:SA|CH|AM|PM))?)?$/i.exec(
      text,
    );
  if (!m) return null;
  const [year, month, day] = m[1] ? [m[1], m[3], m[4]] : [m[8], m[7], m[5]];
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59 || Number(m[11] ?? 0) > 59)) return null;
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return year >= '1900' && isIsoDate(iso) ? iso : null;
}
