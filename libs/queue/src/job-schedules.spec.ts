import { JOB_SCHEDULES } from './job-names';
import { nextOccurrence } from './job-schedules';

describe('job schedules', () => {
  it('reads cron patterns in their time zone: the weekly agenda is Monday 07:00 in Vietnam (00:00 UTC)', () => {
    const agenda = JOB_SCHEDULES.find((s) => s.id === 'weekly-agenda')!;
    expect(nextOccurrence(agenda.pattern, agenda.tz, new Date('2026-11-23T00:30:00Z')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(nextOccurrence(agenda.pattern, agenda.tz, new Date('2026-11-22T23:59:00Z')).toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });
});
