import { Clock, SystemClock, TestClock } from './clock';

describe('Clock', () => {
  it('the system clock reads the machine', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('a test clock follows the machine until set, then moves only when told', () => {
    const clock: TestClock = new TestClock();
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
    clock.set('2026-12-06T16:59:59Z');
    expect(clock.now().toISOString()).toBe('2026-12-06T16:59:59.000Z');
    expect(clock.today()).toBe('2026-12-06'); // Sunday, 23:59:59 in Vietnam
    clock.advance(1000);
    expect(clock.today()).toBe('2026-12-07');
    const read = clock.now();
    read.setTime(0); // a caller cannot move it by changing the Date it was given
    expect(clock.now().toISOString()).toBe('2026-12-06T17:00:00.000Z');
    clock.release();
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
    expect(() => clock.set('soon')).toThrow('not a time');
  });

  it('is the token to inject', () => {
    expect(new TestClock('2026-01-01T00:00:00Z')).toBeInstanceOf(Clock);
  });
});
