import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import { AppConfig } from '@cdtg/config';
import { all } from '@cdtg/database';
import { Clock } from '@cdtg/time';
import { ParamSeal } from '../sealed-params';
import { NoticeChannel } from './notice-channel';
import { NoticeProviderToken } from './notice.entity';
import { PhoneMessageOut, PhoneProvider, postJson, ProviderOutcome, statusOutcome } from './provider';

/** ZNS `error` codes (Zalo's published table) that mean this message will never go by ZNS: try the next channel. */
const REFUSALS: Record<number, string> = {
  [-108]: 'phone-invalid',
  [-109]: 'template-invalid',
  [-110]: 'zalo-version',
  [-111]: 'template-data-empty',
  [-112]: 'template-data-invalid',
  [-114]: 'user-inactive-or-rejects',
  [-115]: 'out-of-quota',
  [-118]: 'not-on-zalo',
  [-119]: 'cannot-receive',
  [-131]: 'template-not-allowed',
  [-144]: 'daily-quota-exceeded',
};
/** Refusals of the moment (quota): an earlier call of the same message, unanswered, may still have been taken. */
const PASSING = new Set([-115, -144]);
const INVALID_TOKEN = -124;
/** A token is refreshed this long before Zalo says it expires. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * Zalo ZNS: POST {ZNS_API_URL}/message/template with header access_token and {phone: "84…", template_id,
 * template_data, tracking_id}; answered {error: 0, message, data: {msg_id, sent_time, quota}} or a negative
 * `error`. tracking_id is the notice's id, so a retried request is recognisable (and matched in the callback). The
 * access token is refreshed at POST {ZNS_OAUTH_URL}/v4/oa/access_token (secret_key header, form app_id,
 * grant_type=refresh_token, refresh_token) before it expires or when Zalo answers -124; Zalo rotates the refresh
 * token, so both are kept (sealed) in notice_provider_token, refreshed under an advisory lock by one worker at a time.
 */
export class ZnsProvider implements PhoneProvider {
  readonly channel = NoticeChannel.ZaloZns as const;
  readonly available = true;
  private readonly seal: ParamSeal;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.seal = new ParamSeal(config.authSecret);
  }

  async send(message: PhoneMessageOut): Promise<ProviderOutcome> {
    const templateId = this.config.znsTemplateIds[message.template];
    if (!templateId) return { kind: 'refused', code: 'no-template-id' };
    const body = JSON.stringify({ phone: message.phone.replace(/^\+/, ''), template_id: templateId, template_data: message.data, tracking_id: message.ref });
    let token: string;
    try {
      token = await this.accessToken();
    } catch {
      return { kind: 'busy', code: 'token-refresh' };
    }
    for (let round = 0; ; round++) {
      const answer = await postJson(
        `${this.config.ZNS_API_URL!.replace(/\/$/, '')}/message/template`,
        { 'content-type': 'application/json', access_token: token },
        body,
        this.config.PROVIDER_TIMEOUT_MS,
      );
      if ('kind' in answer) return answer;
      if (answer.status < 200 || answer.status >= 300) return statusOutcome(answer.status);
      const reply = answer.body as { error?: number; data?: { msg_id?: string } } | null;
      if (reply?.error === 0 && reply.data?.msg_id) return { kind: 'accepted', ref: String(reply.data.msg_id) };
      const code = Number(reply?.error);
      if (code === INVALID_TOKEN && round === 0) {
        try {
          token = await this.refresh(token);
        } catch {
          return { kind: 'busy', code: 'token-refresh' };
        }
        continue;
      }
      if (code === INVALID_TOKEN) return { kind: 'busy', code: 'zns-124' };
      if (REFUSALS[code]) return { kind: 'refused', code: `zns${code}-${REFUSALS[code]}`, passing: PASSING.has(code) };
      // -100 (unknown error) and anything unlisted: it may have been taken; retried with the same tracking_id.
      return { kind: 'unknown', code: `zns${Number.isFinite(code) ? code : '-?'}` };
    }
  }

  private async stored(): Promise<NoticeProviderToken | null> {
    return this.dataSource.getRepository(NoticeProviderToken).findOneBy({ provider: 'zns' });
  }

  private async accessToken(): Promise<string> {
    const row = await this.stored();
    if (row && row.expiresAt.getTime() - TOKEN_MARGIN_MS > this.clock.now().getTime()) return this.seal.open(row.accessToken);
    return this.refresh(row ? this.seal.open(row.accessToken) : null);
  }

  /** Refreshes unless another worker already replaced `stale` (then its token is used). */
  private async refresh(stale: string | null): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      await all(manager, sql`SELECT pg_advisory_xact_lock(hashtext(${'cdtg:zns-token'}))`);
      const row = await manager.getRepository(NoticeProviderToken).findOneBy({ provider: 'zns' });
      const current = row ? this.seal.open(row.accessToken) : null;
      if (row && current !== stale && row.expiresAt.getTime() - TOKEN_MARGIN_MS > this.clock.now().getTime()) return current!;
      const refreshToken = row ? this.seal.open(row.refreshToken) : this.config.ZNS_REFRESH_TOKEN!;
      const answer = await postJson(
        `${this.config.ZNS_OAUTH_URL.replace(/\/$/, '')}/v4/oa/access_token`,
        { 'content-type': 'application/x-www-form-urlencoded', secret_key: this.config.ZNS_SECRET_KEY! },
        new URLSearchParams({ app_id: this.config.ZNS_APP_ID!, grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
        this.config.PROVIDER_TIMEOUT_MS,
      );
      if ('kind' in answer || answer.status !== 200) throw new Error('zns token refresh failed');
      const t = answer.body as { access_token?: string; refresh_token?: string; expires_in?: string | number } | null;
      if (!t?.access_token || !t.refresh_token) throw new Error('zns token refresh refused');
      const expiresAt = new Date(this.clock.now().getTime() + Number(t.expires_in ?? 3600) * 1000);
      await manager
        .getRepository(NoticeProviderToken)
        .save({ provider: 'zns', accessToken: this.seal.seal(t.access_token), refreshToken: this.seal.seal(t.refresh_token), expiresAt });
      return t.access_token;
    });
  }
}
