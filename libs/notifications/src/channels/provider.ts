import type { PhoneTemplateName } from '../templates';
import type { NoticeChannel } from './notice-channel';

/**
 * What a provider said about one message:
 * - accepted: it took the message (ref: its id for the message);
 * - refused: it will not carry this message (not on Zalo, invalid number, out of quota): the next channel is tried;
 *   a `passing` refusal (out of quota, any generic HTTP 4xx) says nothing of an earlier call, so after an unknown
 *   answer it is retried on the same channel instead;
 * - busy: it certainly did not take it now (rate limit, connection refused): retried later on the same channel, and
 *   after a few such answers the next channel is tried;
 * - unknown: it may have taken it (timeout, 5xx, reset connection): retried on the same channel with the same
 *   reference, which the provider recognises, never the next channel (that could send the notice twice).
 */
export type ProviderOutcome =
  { kind: 'accepted'; ref: string } | { kind: 'refused'; code: string; passing?: boolean } | { kind: 'busy'; code: string } | { kind: 'unknown'; code: string };

/** One message to a phone. `ref` is the notice's id: ZNS tracking_id, the gateway's ref. */
export interface PhoneMessageOut {
  ref: string;
  /** E.164, +84… */
  phone: string;
  template: PhoneTemplateName;
  text: string;
  data: Record<string, string>;
}

export interface PhoneProvider {
  readonly channel: NoticeChannel.ZaloZns | NoticeChannel.Sms;
  /** False in production without configuration: the channel is off. */
  readonly available: boolean;
  send(message: PhoneMessageOut): Promise<ProviderOutcome>;
}

export const ZNS_PROVIDER = Symbol('ZNS_PROVIDER');
export const SMS_PROVIDER = Symbol('SMS_PROVIDER');

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/**
 * POSTs and reads the JSON answer; a transport failure becomes an outcome: refused connection → busy (nothing was
 * sent), a timeout or a broken connection → unknown (it may have arrived).
 */
export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<HttpAnswer | { kind: 'busy' | 'unknown'; code: string }> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { kind: 'unknown', code: 'timeout' };
    if (e.cause?.code === 'ECONNREFUSED') return { kind: 'busy', code: 'connection-refused' };
    return { kind: 'unknown', code: e.cause?.code ?? 'network' };
  }
}

/**
 * The outcome of an HTTP status that is not a success: 429 → busy, 5xx and 408 → unknown, any other 4xx → a passing
 * refusal. A generic 4xx (401, 403, 400, 404, 409, 422…) is about the request or the account, not about this message
 * reaching this member: before any unknown answer it moves on to the next channel, after one it never does (an
 * earlier call may have been taken). Only the providers' documented message-level codes are definite refusals.
 */
export function statusOutcome(status: number): ProviderOutcome {
  if (status === 429) return { kind: 'busy', code: 'http-429' };
  if (status >= 500 || status === 408) return { kind: 'unknown', code: `http-${status}` };
  return { kind: 'refused', code: `http-${status}`, passing: true };
}
