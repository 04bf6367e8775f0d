/** Every BullMQ queue. One queue per kind of work, so a slow kind cannot starve another. */
export enum QueueName {
  Mail = 'mail',
  Imports = 'imports',
  Projections = 'projections',
}

/** Every job. A job name belongs to exactly one queue and has exactly one handler in apps/worker. */
export enum JobName {
  SendEmail = 'mail.send',
  DirectoryImport = 'directory.import',
  ProjectChanges = 'changes.project',
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.SendEmail]: QueueName.Mail,
  [JobName.DirectoryImport]: QueueName.Imports,
  [JobName.ProjectChanges]: QueueName.Projections,
};

export const ALL_JOB_NAMES = Object.values(JobName);
export const ALL_QUEUE_NAMES = Object.values(QueueName);
