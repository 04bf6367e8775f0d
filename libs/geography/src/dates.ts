/** Today's date in Asia/Ho_Chi_Minh, as YYYY-MM-DD: the default "as of" of every geography question. */
export function todayInVietnam(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
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
