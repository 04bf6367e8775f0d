import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@cdtg/config';
import { NoticeChannel } from './notice-channel';
import { statusOutcome } from './provider';
import { FilePhoneProvider, OffPhoneProvider } from './sms.provider';

describe('phone providers without configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdtg-notices-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('development writes each message once as a JSON file under DATA_DIR/sms or /zns, named by the notice', async () => {
    const provider = new FilePhoneProvider(NoticeChannel.Sms, loadConfig({}, { DATA_DIR: dir }));
    const message = {
      ref: 'b1f0c0de-0000-4000-8000-000000000001',
      phone: '+84905123456',
      template: 'session-reminder' as const,
      text: 'cdtg: Nhắc lịch',
      data: {},
    };
    expect(await provider.send(message)).toEqual({ kind: 'accepted', ref: `file:${message.ref}` });
    expect(await provider.send(message)).toEqual({ kind: 'accepted', ref: `file:${message.ref}` });
    expect(readdirSync(join(dir, 'sms'))).toEqual([`${message.ref}.json`]);
    expect(JSON.parse(readFileSync(join(dir, 'sms', `${message.ref}.json`), 'utf8'))).toMatchObject({ phone: '+84905123456', text: 'cdtg: Nhắc lịch' });
  });

  it('production: the channel is off (notices go on to the next channel)', async () => {
    const off = new OffPhoneProvider(NoticeChannel.ZaloZns);
    expect(off.available).toBe(false);
    expect(await off.send()).toEqual({ kind: 'refused', code: 'channel-off' });
  });

  it('reads HTTP answers: 429 busy, 5xx unknown, other 4xx a passing refusal (never a fallback after an unknown answer)', () => {
    expect(statusOutcome(429)).toEqual({ kind: 'busy', code: 'http-429' });
    expect(statusOutcome(503)).toEqual({ kind: 'unknown', code: 'http-503' });
    for (const status of [400, 401, 403, 404, 422]) expect(statusOutcome(status)).toEqual({ kind: 'refused', code: `http-${status}`, passing: true });
    expect(statusOutcome(408)).toEqual({ kind: 'unknown', code: 'http-408' });
    expect(statusOutcome(409)).toEqual({ kind: 'refused', code: 'http-409', passing: true });
  });
});
