import { jobOptions } from './drivers/bullmq.driver';
import { attemptsOf, JOB_SCHEDULES, JobName } from './job-names';
import { nextOccurrence } from './job-schedules';

describe('job schedules', () => {
  it('reads cron patterns in their time zone: the weekly agenda is Monday 07:00 in Vietnam (00:00 UTC)', () => {
    const agenda = JOB_SCHEDULES.find((s) => s.id === 'weekly-agenda')!;
    expect(nextOccurrence(agenda.pattern, agenda.tz, new Date('2026-11-23T00:30:00Z')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(nextOccurrence(agenda.pattern, agenda.tz, new Date('2026-11-22T23:59:00Z')).toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });

  it('runs the nightly rollup check at 02:30 and the retention purge at 04:00 in Vietnam, after it', () => {
    const at = (id: string) => {
      const s = JOB_SCHEDULES.find((x) => x.id === id)!;
      return nextOccurrence(s.pattern, s.tz, new Date('2026-11-25T03:00:00Z')).toISOString();
    };
    expect(at('rollup-check')).toBe('2026-11-25T19:30:00.000Z');
    expect(at('purge-processed')).toBe('2026-11-25T21:00:00.000Z');
    expect(JOB_SCHEDULES.find((s) => s.id === 'purge-processed')!.job).toBe(JobName.PurgeProcessed);
  });

  it('never retries the rollup check; a notice waits out an outage (12); every other job has the configured attempts', () => {
    expect(attemptsOf(JobName.RollupCheck, 6)).toBe(1);
    expect(attemptsOf(JobName.SendNotice, 6)).toBe(12);
    for (const job of Object.values(JobName).filter((j) => j !== JobName.RollupCheck && j !== JobName.SendNotice)) expect(attemptsOf(job, 6)).toBe(6);
    const settings = { prefix: 'p', attempts: 6, backoffMs: 100 };
    expect(jobOptions(settings, JobName.RollupCheck)).toMatchObject({ attempts: 1, removeOnFail: false });
    expect(jobOptions(settings, JobName.PurgeProcessed)).toMatchObject({ attempts: 6, backoff: { type: 'exponential', delay: 100 } });
  });
});
