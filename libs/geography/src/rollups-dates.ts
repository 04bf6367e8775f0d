import { systemClock, vietnamDate } from '@cdtg/time';

/*
 * Temporary: libs/rollups still imports these date helpers from @cdtg/geography and reads the machine's clock. They
 * live in @cdtg/time; once rollups imports them from there and takes the injected Clock, delete this file.
 */
export { addDays, isIsoDate, vietnamDate } from '@cdtg/time';

/** @deprecated rollups only: inject Clock and call `clock.today()`. */
export function todayInVietnam(now: Date = systemClock.now()): string {
  return vietnamDate(now);
}
