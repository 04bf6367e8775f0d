import { vietnamDate } from './vietnam-time';

/**
 * What time it is, for every rule that depends on it (deadlines, "today", refusing future dates, token expiry,
 * schedules, reminders, retention). Injected (this class is the Nest token, provided by TimeModule), so a test sets
 * the time instead of waiting for it. Durations (timers, latency, logs) read Date.now() directly: no rule hangs on them.
 */
export abstract class Clock {
  abstract now(): Date;

  /** Today in Vietnam, YYYY-MM-DD. */
  today(): string {
    return vietnamDate(this.now());
  }
}

/** The machine's clock. */
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** For code that runs outside Nest (command-line tools, the demo seeders): the machine's clock. */
export const systemClock: Clock = new SystemClock();

/**
 * A clock for tests: it follows the machine's clock until `set`, then stands still at that moment, moving only by
 * `advance`; `release` lets it follow the machine again.
 */
export class TestClock extends Clock {
  private fixed: Date | null = null;

  constructor(at?: Date | string) {
    super();
    if (at !== undefined) this.set(at);
  }

  now(): Date {
    return new Date(this.fixed ?? Date.now());
  }

  set(at: Date | string): this {
    const time = new Date(at);
    if (Number.isNaN(time.getTime())) throw new Error(`TestClock.set: not a time: ${String(at)}`);
    this.fixed = time;
    return this;
  }

  advance(ms: number): this {
    return this.set(new Date(this.now().getTime() + ms));
  }

  release(): this {
    this.fixed = null;
    return this;
  }
}
