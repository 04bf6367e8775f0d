import { VIETNAM_TZ } from '@cdtg/time';

/** Every BullMQ queue. One queue per kind of work, so a slow kind cannot starve another. */
export enum QueueName {
  Mail = 'mail',
  Notices = 'notices',
  Imports = 'imports',
  Projections = 'projections',
  Sessions = 'sessions',
  Reports = 'reports',
  Maintenance = 'maintenance',
}

/** Every job. A job name belongs to exactly one queue and has exactly one handler in apps/worker. */
export enum JobName {
  SendEmail = 'mail.send',
  SendNotice = 'notices.send',
  DirectoryImport = 'directory.import',
  ProjectChanges = 'changes.project',
  SessionReminder = 'sessions.remind',
  WeeklyAgenda = 'sessions.weekly-agenda',
  CoverageExport = 'reports.coverage-export',
  WeeklyDigest = 'reports.weekly-digest',
  RollupCheck = 'reports.rollup-check',
  PurgeProcessed = 'maintenance.purge-processed',
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.SendEmail]: QueueName.Mail,
  // Its own queue: a slow or absent provider holds up notices, never e-mail.
  [JobName.SendNotice]: QueueName.Notices,
  [JobName.DirectoryImport]: QueueName.Imports,
  [JobName.ProjectChanges]: QueueName.Projections,
  [JobName.SessionReminder]: QueueName.Sessions,
  [JobName.WeeklyAgenda]: QueueName.Sessions,
  [JobName.CoverageExport]: QueueName.Reports,
  [JobName.WeeklyDigest]: QueueName.Reports,
  [JobName.RollupCheck]: QueueName.Reports,
  [JobName.PurgeProcessed]: QueueName.Maintenance,
};

/**
 * Jobs whose attempts differ from JOB_ATTEMPTS (BullMQ's `attempts` of the job, and of the job scheduler's template;
 * the in-process driver's attempts of the outbox row). The nightly rollup check is never retried: a second run after
 * a failure recounts for 20 minutes and learns nothing new; the next night (or an operator) runs it again. A notice
 * gets more (below).
 */
export const JOB_ATTEMPTS_OVERRIDE: Partial<Record<JobName, number>> = {
  [JobName.RollupCheck]: 1,
  // A notice waits out a provider's outage on its channel (retries double from JOB_BACKOFF_MS: 12 attempts ≈ 2 h at
  // 2 s) and may walk ZNS → SMS → e-mail, each channel taking up to three attempts before the next.
  [JobName.SendNotice]: 12,
};

/** The attempts of a job: its override, or the configured default. */
export const attemptsOf = (job: string, fallback: number): number => JOB_ATTEMPTS_OVERRIDE[job as JobName] ?? fallback;

/** A job produced by the calendar (a cron pattern read in a time zone) rather than by a write. Its payload is {}. */
export interface JobSchedule {
  /** Stable id: the BullMQ job scheduler id, and the key of the in-process driver's occurrences. */
  id: string;
  job: JobName;
  /** Cron: minute hour day-of-month month day-of-week. */
  pattern: string;
  tz: string;
}

export const JOB_SCHEDULES: readonly JobSchedule[] = [
  // Each volunteer's week ahead, Monday 07:00 Vietnam time.
  { id: 'weekly-agenda', job: JobName.WeeklyAgenda, pattern: '0 7 * * 1', tz: VIETNAM_TZ },
  // The department's coverage digest of the week just ended, Monday 07:30 Vietnam time.
  { id: 'weekly-digest', job: JobName.WeeklyDigest, pattern: '30 7 * * 1', tz: VIETNAM_TZ },
  // Every night the rollups are recounted from raw records and compared with the incremental tables (no lock).
  { id: 'rollup-check', job: JobName.RollupCheck, pattern: '30 2 * * *', tz: VIETNAM_TZ },
  // Every night, processed change events and finished outbox rows older than QUEUE_RETENTION_DAYS are deleted.
  { id: 'purge-processed', job: JobName.PurgeProcessed, pattern: '0 4 * * *', tz: VIETNAM_TZ },
];

export const ALL_JOB_NAMES = Object.values(JobName);
export const ALL_QUEUE_NAMES = Object.values(QueueName);
