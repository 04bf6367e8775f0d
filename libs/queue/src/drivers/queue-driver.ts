import { OutboxMessage } from '../outbox-message.entity';

/** Where the relay hands outbox rows: BullMQ in every real deployment, the in-process runner in development. */
export interface QueueDriver {
  readonly kind: 'bullmq' | 'sync';
  /**
   * Hands the messages over, in order. Returns how many of them were handed over (a prefix of the list);
   * `failed` holds messages the driver gave up on for good (in-process runner only).
   */
  dispatch(messages: OutboxMessage[]): Promise<DispatchResult>;
  /**
   * True when the queue lost the jobs it held since the last `markIntact()` (a Redis restarted without persistence,
   * flushed or replaced): the relay then sends every dispatched row whose job has not completed again.
   */
  lostJobs?(): Promise<boolean>;
  markIntact?(): Promise<void>;
  /**
   * Of these dispatched messages, the ones the queue no longer holds (`missing`: lost, to be sent again) and the ones
   * it holds as completed (`completed`: their "done" mark was lost). A message still waiting, delayed, running or
   * failed is in neither.
   */
  checkDispatched?(messages: OutboxMessage[]): Promise<{ missing: OutboxMessage[]; completed: OutboxMessage[] }>;
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

/** The outbox row behind a BullMQ job id: `{ id }` for "o<id>", `{ jobId }` for a keyed job, null for scheduler jobs. */
export function outboxRowOf(jobId: string): { id: string } | { jobId: string } | null {
  const plain = /^o(\d+)$/.exec(jobId);
  if (plain) return { id: plain[1] };
  if (jobId.startsWith('repeat:')) return null;
  return { jobId };
}
