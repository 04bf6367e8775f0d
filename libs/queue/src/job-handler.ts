import { Injectable, Logger, OnModuleInit, SetMetadata } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ALL_JOB_NAMES, JobName } from './job-names';
import { JobPayloads, validatePayload } from './job-payloads';

const HANDLES_JOB = Symbol('cdtg:handles-job');

export interface JobContext {
  /** The BullMQ job id (or outbox job id in the in-process driver): stable across retries. */
  jobId: string;
  /** 1 on the first run. */
  attempt: number;
}

/** A job processor. Must be idempotent: a job may run more than once (crash, stalled job, relay re-send). */
export interface JobHandler<N extends JobName> {
  handle(payload: JobPayloads[N], context: JobContext): Promise<void>;
}

/** Marks a provider as the handler of one job name. */
export const HandlesJob = (name: JobName): ClassDecorator => SetMetadata(HANDLES_JOB, name);

/**
 * Finds every @HandlesJob provider at start-up and refuses to start unless each job name has exactly one handler.
 */
@Injectable()
export class JobHandlerRegistry implements OnModuleInit {
  private readonly logger = new Logger(JobHandlerRegistry.name);
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const found = new Map<JobName, { className: string; instance: JobHandler<JobName> }[]>();
    for (const { instance, metatype } of this.discovery.getProviders()) {
      const name = metatype ? (Reflect.getMetadata(HANDLES_JOB, metatype) as JobName | undefined) : undefined;
      if (!name || !instance) continue;
      found.set(name, [...(found.get(name) ?? []), { className: metatype!.name, instance: instance as JobHandler<JobName> }]);
    }
    assertExactlyOneHandler(new Map([...found].map(([name, list]) => [name, list.map((h) => h.className)])));
    for (const [name, [handler]] of found) this.handlers.set(name, handler.instance);
    this.logger.log(`Handlers registered for ${this.handlers.size} job names`);
  }

  /** Validates the payload and runs the one handler of `name`. */
  async run(name: string, payload: unknown, context: JobContext): Promise<void> {
    const handler = this.handlers.get(name as JobName);
    if (!handler) throw new Error(`No handler for job "${name}"`);
    await handler.handle(validatePayload(name as JobName, payload), context);
  }
}

/** Throws naming every job without a handler and every job with more than one. */
export function assertExactlyOneHandler(found: Map<JobName, string[]>): void {
  const problems: string[] = [];
  for (const name of ALL_JOB_NAMES) {
    const classes = found.get(name) ?? [];
    if (classes.length === 0) problems.push(`job "${name}" has no handler`);
    if (classes.length > 1) problems.push(`job "${name}" has ${classes.length} handlers (${classes.join(', ')})`);
  }
  if (problems.length > 0) throw new Error(`Worker refuses to start: ${problems.join('; ')}`);
}
