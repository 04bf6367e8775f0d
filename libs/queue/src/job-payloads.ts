import { plainToInstance } from 'class-transformer';
import { IsUUID, Matches, validateSync } from 'class-validator';
import { JobName } from './job-names';

export class SendEmailPayload {
  @IsUUID()
  emailId: string;
}

export class DirectoryImportPayload {
  @IsUUID()
  importId: string;
}

export class ProjectChangesPayload {
  @Matches(/^\d{1,19}$/, { message: 'must be a change_event id' })
  eventId: string;
}

/** The payload type of each job. Adding a JobName without a payload here is a compile error. */
export interface JobPayloads {
  [JobName.SendEmail]: SendEmailPayload;
  [JobName.DirectoryImport]: DirectoryImportPayload;
  [JobName.ProjectChanges]: ProjectChangesPayload;
}

const PAYLOAD_CLASSES: { [N in JobName]: new () => JobPayloads[N] } = {
  [JobName.SendEmail]: SendEmailPayload,
  [JobName.DirectoryImport]: DirectoryImportPayload,
  [JobName.ProjectChanges]: ProjectChangesPayload,
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
