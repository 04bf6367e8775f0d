import { createHash, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * Fake notice providers for tests: real HTTP servers on 127.0.0.1 with the providers' request, answer and callback
 * shapes (Zalo ZNS with its OAuth token refresh and webhook; a generic SMS gateway). The SMS gateway recognises a
 * ref it has seen and answers with the first message's id instead of sending again (the SMS adapter's contract); ZNS
 * does not (Zalo documents no idempotency key): each call it takes is one more message on the phone. `messages` holds
 * what a phone would receive, `requests` every call.
 * Faults are queued per call: `failNext('http500', 'slow', …)`, or `down()` closes the port.
 */
export type Fault = 'http500' | 'http429' | 'http401' | 'slow' | 'quota' | 'unknown-error' | 'bad-token';

interface Delivered {
  ref: string;
  id: string;
  phone: string;
  body: Record<string, unknown>;
}

abstract class FakeProvider {
  readonly messages: Delivered[] = [];
  readonly requests: { path: string; ref?: string }[] = [];
  /** Where delivery receipts go (the app's base URL); none until set. */
  callbackBase: string | null = null;
  /** Delay before a "slow" answer (longer than the app's PROVIDER_TIMEOUT_MS). */
  slowMs = 1500;
  private faults: Fault[] = [];
  /** A fault on every call until cleared (after the queued ones). */
  always: Fault | null = null;
  private server: Server | null = null;
  port = 0;

  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  clearFaults(): void {
    this.faults = [];
    this.always = null;
  }

  protected nextFault(): Fault | undefined {
    return this.faults.shift() ?? this.always ?? undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      void this.read(req).then((body) => this.handle(req, body, res));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Provider down: the port refuses connections until `start(port)` again (same port). */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async up(): Promise<void> {
    await this.start(this.port);
  }

  stop(): Promise<void> {
    return this.down();
  }

  private read(req: IncomingMessage): Promise<string> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  }

  protected json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  /** Whether a repeated reference is recognised (one message) or sent again. */
  protected readonly dedupes: boolean = true;

  /** Records a message (once per reference when the provider dedupes); returns its id. */
  protected accept(ref: string, phone: string, body: Record<string, unknown>): { id: string; first: boolean } {
    const seen = this.dedupes ? this.messages.find((m) => m.ref === ref) : undefined;
    if (seen) return { id: seen.id, first: false };
    const id = randomBytes(8).toString('hex');
    this.messages.push({ ref, id, phone, body });
    return { id, first: true };
  }

  /** Answers after `slowMs` (the caller has given up by then, but the message was taken: the worst case). */
  protected async slow(then: () => void): Promise<void> {
    await new Promise((r) => setTimeout(r, this.slowMs));
    then();
  }

  protected abstract handle(req: IncomingMessage, body: string, res: ServerResponse): void;
}

export class FakeZns extends FakeProvider {
  /** Zalo does not document tracking_id as an idempotency key: a repeated call is a second message. */
  protected override readonly dedupes = false;
  readonly appId = '4321098765';
  readonly secretKey = 'zalo-app-secret-key-for-tests';
  /** The OA secret key that signs webhook events. */
  readonly webhookSecret = 'zns-webhook-secret-for-tests';
  /** The refresh token the app is configured with; rotated on each refresh, as Zalo does. */
  refreshToken = 'first-refresh-token-for-tests';
  accessToken: string | null = null;
  refreshes = 0;
  /** Phone numbers (84…) that have no Zalo account: -118. */
  readonly notOnZalo = new Set<string>();
  readonly templateIds = {
    'session-assigned': '1001',
    'session-changed': '1002',
    'session-cancelled': '1003',
    'session-reminder': '1004',
    'assignment-withdrawn': '1005',
  };

  env(): Record<string, string> {
    return {
      ZNS_API_URL: this.url,
      ZNS_OAUTH_URL: this.url,
      ZNS_APP_ID: this.appId,
      ZNS_SECRET_KEY: this.secretKey,
      ZNS_REFRESH_TOKEN: this.refreshToken,
      ZNS_TEMPLATE_IDS: Object.entries(this.templateIds)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      ZNS_WEBHOOK_SECRET: this.webhookSecret,
    };
  }

  /** Zalo's "user_received_message" event for a message, signed as the app expects. */
  receipt(msgId: string, trackingId: string, at = Date.now()): { body: string; signature: string } {
    const body = JSON.stringify({
      app_id: this.appId,
      event_name: 'user_received_message',
      message: { msg_id: msgId, tracking_id: trackingId, delivery_time: String(at) },
      timestamp: String(at),
    });
    return { body, signature: this.sign(body, String(at)) };
  }

  /** Zalo's X-ZEvent-Signature: mac=hex sha256(app id + raw body + the event's timestamp + OA secret key). */
  sign(body: string, timestamp: string, secret = this.webhookSecret): string {
    return `mac=${createHash('sha256').update(`${this.appId}${body}${timestamp}${secret}`).digest('hex')}`;
  }

  protected handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    if (req.url === '/v4/oa/access_token') {
      const form = new URLSearchParams(body);
      this.requests.push({ path: req.url });
      if (req.headers.secret_key !== this.secretKey || form.get('app_id') !== this.appId || form.get('grant_type') !== 'refresh_token') {
        return this.json(res, 200, { error: -14002, message: 'invalid app' });
      }
      if (form.get('refresh_token') !== this.refreshToken) return this.json(res, 200, { error: -14014, message: 'Invalid refresh token' });
      this.refreshes++;
      this.accessToken = `access-${randomBytes(6).toString('hex')}`;
      this.refreshToken = `refresh-${randomBytes(6).toString('hex')}`;
      return this.json(res, 200, { access_token: this.accessToken, refresh_token: this.refreshToken, expires_in: '90000' });
    }
    if (req.url !== '/message/template') return this.json(res, 404, { error: -106, message: 'Method unsupported' });
    const m = JSON.parse(body || '{}') as { phone?: string; template_id?: string; template_data?: Record<string, string>; tracking_id?: string };
    this.requests.push({ path: req.url, ref: m.tracking_id });
    const fault = this.nextFault();
    if (fault === 'bad-token') this.accessToken = null;
    if (!this.accessToken || req.headers.access_token !== this.accessToken) return this.json(res, 200, { error: -124, message: 'Access token is invalid' });
    if (fault === 'http500') return this.json(res, 502, { message: 'bad gateway' });
    if (fault === 'http429') return this.json(res, 429, { message: 'too many requests' });
    if (fault === 'quota') return this.json(res, 200, { error: -144, message: 'OA has exceeded the daily quota' });
    if (fault === 'unknown-error') return this.json(res, 200, { error: -100, message: 'Unknown error' });
    if (!m.phone || !/^84\d{9,10}$/.test(m.phone)) return this.json(res, 200, { error: -108, message: 'Phone number invalid' });
    if (!Object.values(this.templateIds).includes(String(m.template_id))) return this.json(res, 200, { error: -109, message: 'Template ID invalid' });
    if (this.notOnZalo.has(m.phone)) return this.json(res, 200, { error: -118, message: 'Zalo account not existed' });
    const answer = () => {
      const { id, first } = this.accept(String(m.tracking_id), m.phone!, m as Record<string, unknown>);
      this.json(res, 200, {
        error: 0,
        message: 'Success',
        data: { msg_id: id, sent_time: String(Date.now()), quota: { dailyQuota: '500', remainingQuota: '499' } },
      });
      if (first) this.callback(id, String(m.tracking_id));
    };
    if (fault === 'slow') void this.slow(answer);
    else answer();
  }

  private callback(msgId: string, trackingId: string): void {
    if (!this.callbackBase) return;
    const { body, signature } = this.receipt(msgId, trackingId);
    void fetch(`${this.callbackBase}/callbacks/zns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-zevent-signature': signature },
      body,
    }).catch(() => undefined);
  }
}

export class FakeSms extends FakeProvider {
  readonly apiKey = 'sms-gateway-key-for-tests';
  readonly webhookSecret = 'sms-webhook-secret-for-tests';

  env(): Record<string, string> {
    return { SMS_API_URL: `${this.url}/send`, SMS_API_KEY: this.apiKey, SMS_WEBHOOK_SECRET: this.webhookSecret };
  }

  protected handle(req: IncomingMessage, body: string, res: ServerResponse): void {
    if (req.url !== '/send') return this.json(res, 404, { error: 'not found' });
    const m = JSON.parse(body || '{}') as { to?: string; text?: string; ref?: string };
    this.requests.push({ path: req.url, ref: m.ref });
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return this.json(res, 401, { error: 'unauthorised' });
    const fault = this.nextFault();
    if (fault === 'http500') return this.json(res, 500, { error: 'internal' });
    if (fault === 'http401') return this.json(res, 401, { error: 'unauthorised' });
    if (fault === 'http429') return this.json(res, 429, { error: 'rate limited' });
    if (!m.to || !/^\+84\d{9,10}$/.test(m.to) || !m.text || !m.ref) return this.json(res, 400, { error: 'bad request' });
    const answer = () => {
      const { id, first } = this.accept(m.ref!, m.to!, m as Record<string, unknown>);
      this.json(res, 200, { id });
      if (first && this.callbackBase) {
        void fetch(`${this.callbackBase}/callbacks/sms`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.webhookSecret}` },
          body: JSON.stringify({ id, status: 'delivered', ref: m.ref }),
        }).catch(() => undefined);
      }
    };
    if (fault === 'slow') void this.slow(answer);
    else answer();
  }
}
