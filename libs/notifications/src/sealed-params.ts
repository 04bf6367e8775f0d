import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { SECRET_PARAMS, EmailTemplateName } from './templates';

const PREFIX = 'sealed:v1:';

/**
 * The secret parameters of a queued e-mail (a link that signs in, sets a password or opens a calendar feed) are
 * kept sealed (AES-256-GCM, under a key derived from AUTH_SECRET) while the e-mail waits to be sent, and replaced by
 * "[sent]" once it is: a reader of the database never finds a usable link, queued or sent. (A link's token itself is
 * stored only as its SHA-256, and e-mails are deduplicated by the token's row id, never by the token.)
 */
export class ParamSeal {
  private readonly key: Buffer;

  constructor(authSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', authSecret, 'cdtg-mail-params', 'sealed-params-v1', 32));
  }

  seal(value: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  open(value: string): string {
    if (!value.startsWith(PREFIX)) return value;
    const raw = Buffer.from(value.slice(PREFIX.length), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** The template's secret parameters sealed (the others as they are). */
  sealParams<T extends Record<string, unknown>>(template: EmailTemplateName, params: T): T {
    return this.map(template, params, (v) => this.seal(v));
  }

  /** The template's secret parameters opened, for rendering. */
  openParams<T extends Record<string, unknown>>(template: EmailTemplateName, params: T): T {
    return this.map(template, params, (v) => this.open(v));
  }

  private map<T extends Record<string, unknown>>(template: EmailTemplateName, params: T, f: (value: string) => string): T {
    const secrets = (SECRET_PARAMS[template] ?? []) as string[];
    if (!secrets.length) return params;
    const out: Record<string, unknown> = { ...params };
    for (const k of secrets) if (typeof out[k] === 'string') out[k] = f(out[k]);
    return out as T;
  }
}
