import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig } from '@cdtg/config';
import { NoticeChannel } from './notice-channel';
import { PhoneMessageOut, PhoneProvider, postJson, ProviderOutcome, statusOutcome } from './provider';

/**
 * A generic HTTP SMS gateway: POST SMS_API_URL {to, text, ref} with `Authorization: Bearer SMS_API_KEY`, answered
 * {id}. `ref` is the notice's id: a gateway that sees a ref again answers with the first message's id instead of
 * sending again. Receipts come back to /callbacks/sms (notice-receipts.service.ts).
 */
export class HttpSmsProvider implements PhoneProvider {
  readonly channel = NoticeChannel.Sms as const;
  readonly available = true;

  constructor(private readonly config: AppConfig) {}

  async send(message: PhoneMessageOut): Promise<ProviderOutcome> {
    const answer = await postJson(
      this.config.SMS_API_URL!,
      { 'content-type': 'application/json', authorization: `Bearer ${this.config.SMS_API_KEY}` },
      JSON.stringify({ to: message.phone, text: message.text, ref: message.ref }),
      this.config.PROVIDER_TIMEOUT_MS,
    );
    if ('kind' in answer) return answer;
    if (answer.status < 200 || answer.status >= 300) return statusOutcome(answer.status);
    const id = (answer.body as { id?: unknown } | null)?.id;
    return typeof id === 'string' && id ? { kind: 'accepted', ref: id } : { kind: 'unknown', code: 'no-id' };
  }
}

/** Development without a gateway: each SMS becomes a JSON file under DATA_DIR/sms (or DATA_DIR/zns). */
export class FilePhoneProvider implements PhoneProvider {
  readonly available = true;
  private readonly dir: string;

  constructor(
    readonly channel: NoticeChannel.ZaloZns | NoticeChannel.Sms,
    config: AppConfig,
  ) {
    this.dir = resolve(config.DATA_DIR, channel);
  }

  async send(message: PhoneMessageOut): Promise<ProviderOutcome> {
    mkdirSync(this.dir, { recursive: true });
    // The notice's id names the file: written twice, it is one file.
    writeFileSync(join(this.dir, `${message.ref}.json`), JSON.stringify(message, null, 2));
    return { kind: 'accepted', ref: `file:${message.ref}` };
  }
}

/** Production without configuration: the channel is off. */
export class OffPhoneProvider implements PhoneProvider {
  readonly available = false;

  constructor(readonly channel: NoticeChannel.ZaloZns | NoticeChannel.Sms) {}

  send(): Promise<ProviderOutcome> {
    return Promise.resolve({ kind: 'refused', code: 'channel-off' });
  }
}
