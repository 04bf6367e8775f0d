import { Logger } from '@nestjs/common';
import { JobHandlerRegistry } from '../job-handler';
import { attemptsOf } from '../job-names';
import { OutboxMessage } from '../outbox-message.entity';
import { CANCEL_JOB } from '../outbox.service';
import { bullJobId, DispatchResult, QueueDriver } from './queue-driver';

/**
 * Development without Redis: runs each job in this process as the relay reaches it. Retries and the failed set
 * live on the outbox row itself (status, attempts, available_at). Refused in production.
 */
export class SyncDriver implements QueueDriver {
  readonly kind = 'sync' as const;
  private readonly logger = new Logger(SyncDriver.name);

  constructor(
    private readonly registry: JobHandlerRegistry,
    private readonly attempts: number,
  ) {}

  async dispatch(messages: OutboxMessage[]): Promise<DispatchResult> {
    const result: DispatchResult = { dispatched: [], retry: [], failed: [] };
    for (const message of messages) {
      if (message.jobName === CANCEL_JOB) {
        // Nothing to remove here: jobs wait as outbox rows until due, and OutboxService.cancel marked those.
        result.dispatched.push(message);
        continue;
      }
      try {
        await this.registry.run(message.jobName, message.payload, { jobId: bullJobId(message), attempt: message.attempts + 1 });
        result.dispatched.push(message);
      } catch (error) {
        const text = (error as Error).message;
        this.logger.warn(`job ${message.jobName} (${bullJobId(message)}) failed on attempt ${message.attempts + 1}: ${text}`);
        (message.attempts + 1 >= attemptsOf(message.jobName, this.attempts) ? result.failed : result.retry).push({ message, error: text });
      }
    }
    return result;
  }

  async close(): Promise<void> {}
}
