import { OutboxMessage } from '../outbox-message.entity';

/** Where the relay hands outbox rows: BullMQ in every real deployment, the in-process runner in development. */
export interface QueueDriver {
  readonly kind: 'bullmq' | 'sync';
  /**
   * Hands the messages over, in order. Returns how many of them were handed over (a prefix of the list);
   * `failed` holds messages the driver gave up on for good (in-process runner only).
   */
  dispatch(messages: OutboxMessage[]): Promise<DispatchResult>;
  close(): Promise<void>;
}

export interface DispatchResult {
  dispatched: OutboxMessage[];
  /** Messages to try again later, with the error. */
  retry: { message: OutboxMessage; error: string }[];
  /** Messages given up on (attempts exhausted). */
  failed: { message: OutboxMessage; error: string }[];
}

export const QUEUE_DRIVER = Symbol('QUEUE_DRIVER');

export const bullJobId = (message: Pick<OutboxMessage, 'id' | 'jobId'>): string => message.jobId ?? `o${message.id}`;
