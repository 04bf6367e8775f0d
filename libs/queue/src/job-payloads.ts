import { plainToInstance } from 'class-transformer';
import { IsBoolean, IsISO8601, IsOptional, IsUUID, Matches, validateSync } from 'class-validator';
import { JobName } from './job-names';

export class SendEmailPayload {
  @IsUUID()
  emailId: string;
}

export class SendNoticePayload {
  @IsUUID()
  noticeId: string;
}

export class DirectoryImportPayload {
  @IsUUID()
  importId: string;
}

export class ProjectChangesPayload {
  @Matches(/^\d{1,19}$/, { message: 'must be a change_event id' })
  eventId: string;
}

export class SessionReminderPayload {
  @IsUUID()
  sessionId: string;

  /** The start the reminder was planned for: a session moved since then makes this job a no-op. */
  @IsISO8601({ strict: true })
  startsAt: string;
}

/** Produced by the weekly schedule with no fields: the job works out the week from the time it runs. */
export class WeeklyAgendaPayload {
  /** Run as of this time instead (an operator re-running a week). */
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}

export class CoverageExportPayload {
  @IsUUID()
  exportId: string;
}

/** Produced by the weekly schedule: the digest covers the ISO week before the one holding `asOf` (default: now). */
export class WeeklyDigestPayload {
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}

/**
 * Produced by the nightly schedule: compares the rollups with a recount from raw records without blocking projections
 * (and repairs them when the check before found differences too); `repair` (an operator's job) repairs at once.
 */
export class RollupCheckPayload {
  @IsOptional()
  @IsBoolean()
  repair?: boolean;
}

/** Produced by the nightly schedule with no fields: deletes processed change events and finished outbox rows past retention. */
export class PurgeProcessedPayload {
  /** Count the retention back from this time instead of now. */
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}

/** The payload type of each job. Adding a JobName without a payload here is a compile error. */
export interface JobPayloads {
  [JobName.SendEmail]: SendEmailPayload;
  [JobName.SendNotice]: SendNoticePayload;
  [JobName.DirectoryImport]: DirectoryImportPayload;
  [JobName.ProjectChanges]: ProjectChangesPayload;
  [JobName.SessionReminder]: SessionReminderPayload;
  [JobName.WeeklyAgenda]: WeeklyAgendaPayload;
  [JobName.CoverageExport]: CoverageExportPayload;
  [JobName.WeeklyDigest]: WeeklyDigestPayload;
  [JobName.RollupCheck]: RollupCheckPayload;
  [JobName.PurgeProcessed]: PurgeProcessedPayload;
}

const PAYLOAD_CLASSES: { [N in JobName]: new () => JobPayloads[N] } = {
  [JobName.SendEmail]: SendEmailPayload,
  [JobName.SendNotice]: SendNoticePayload,
  [JobName.DirectoryImport]: DirectoryImportPayload,
  [JobName.ProjectChanges]: ProjectChangesPayload,
  [JobName.SessionReminder]: SessionReminderPayload,
  [JobName.WeeklyAgenda]: WeeklyAgendaPayload,
  [JobName.CoverageExport]: CoverageExportPayload,
  [JobName.WeeklyDigest]: WeeklyDigestPayload,
  [JobName.RollupCheck]: RollupCheckPayload,
  [JobName.PurgeProcessed]: PurgeProcessedPayload,
};

/**
 * Validates a payload against its class. Jobs never pass Nest's ValidationPipe, so producers call this when a job
 * is built and consumers call it again when it is handled (a payload may come from an older release).
 */
export function validatePayload<N extends JobName>(name: N, payload: unknown): JobPayloads[N] {
  const cls = PAYLOAD_CLASSES[name];
  if (!cls) throw new Error(`Unknown job name "${String(name)}"`);
  const instance = plainToInstance(cls, payload ?? {}) as JobPayloads[N];
  const errors = validateSync(instance as object, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const detail = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ');
    throw new Error(`Invalid payload for job ${name}: ${detail}`);
  }
  return instance;
}
