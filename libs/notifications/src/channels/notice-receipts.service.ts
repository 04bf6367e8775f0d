import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sql } from 'kysely';
import { AppConfig } from '@cdtg/config';
import { all } from '@cdtg/database';
import { Clock } from '@cdtg/time';
import { db } from '../db';
import { NoticeChannel } from './notice-channel';
import { NoticeAttempt } from './notice.entity';
import { markDelivered } from './notice.repository';

export type ReceiptOutcome = 'recorded' | 'unknown-message' | 'ignored' | 'bad-signature' | 'stale';

/** A signed ZNS event older (or further in the future) than this is refused: a replay. */
export const ZNS_EVENT_MAX_AGE_MS = 15 * 60_000;

/** Zalo's webhook MAC: hex sha256 of app id + raw body + the event's `timestamp` + the OA secret key (no HMAC). */
export function znsEventMac(appId: string, rawBody: string, timestamp: string, oaSecretKey: string): string {
  return createHash('sha256').update(`${appId}${rawBody}${timestamp}${oaSecretKey}`, 'utf8').digest('hex');
}

/** Delivered within this long after the notice was queued: the figure per channel. */
export const DELIVERY_TARGET_MS = 60_000;

export interface ChannelDelivery {
  channel: NoticeChannel;
  sent: number;
  delivered: number;
  deliveredWithinTarget: number;
  /** Seconds from queued to delivered, 95th percentile (null without deliveries). */
  p95Seconds: number | null;
  /** Notices whose call on this channel had an unknown outcome and no receipt came: unconfirmed, not re-sent. */
  unconfirmed: number;
}

const equalSecret = (expected: string, given: string) => {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Delivery receipts from the providers, and the delivery figures per channel.
 * - ZNS: Zalo's webhook event "user_received_message" {app_id, message: {msg_id, tracking_id}, timestamp (ms)},
 *   signed with `X-ZEvent-Signature: mac=<hex sha256(ZNS_APP_ID + raw body + timestamp + ZNS_WEBHOOK_SECRET)>` (the
 *   OA secret key); an event whose timestamp is more than 15 minutes from now is refused (replay).
 * - SMS: the gateway's receipt {id, status, ref} with Authorization: Bearer SMS_WEBHOOK_SECRET.
 * The notice is found by its own id (tracking_id, ref) and the channel; a receipt counts once (the first).
 * E-mail counts as delivered when the SMTP server accepts it (mail-delivery.service.ts marks it).
 */
@Injectable()
export class NoticeReceipts {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async znsEvent(rawBody: string, signature: string | undefined): Promise<ReceiptOutcome> {
    const secret = this.config.ZNS_WEBHOOK_SECRET;
    const appId = this.config.ZNS_APP_ID;
    const mac = /^mac=([0-9a-f]{64})$/i.exec(signature?.trim() ?? '')?.[1];
    if (!secret || !appId || !mac) return 'bad-signature';
    let event: { event_name?: string; timestamp?: string | number; message?: { msg_id?: string; tracking_id?: string } };
    try {
      event = JSON.parse(rawBody) as typeof event;
    } catch {
      return 'bad-signature';
    }
    const timestamp = event?.timestamp == null ? '' : String(event.timestamp);
    if (!timestamp || !equalSecret(znsEventMac(appId, rawBody, timestamp, secret), mac.toLowerCase())) return 'bad-signature';
    const at = Number(timestamp);
    if (!Number.isFinite(at) || Math.abs(this.clock.now().getTime() - at) > ZNS_EVENT_MAX_AGE_MS) return 'stale';
    if (event.event_name !== 'user_received_message') return 'ignored';
    return this.delivered(NoticeChannel.ZaloZns, event.message?.tracking_id, event.message?.msg_id, new Date(at));
  }

  async smsReceipt(body: { id?: unknown; status?: unknown; ref?: unknown }, authorization: string | undefined): Promise<ReceiptOutcome> {
    const secret = this.config.SMS_WEBHOOK_SECRET;
    if (!secret || !authorization || !equalSecret(`Bearer ${secret}`, authorization)) return 'bad-signature';
    if (body.status !== 'delivered') return 'ignored';
    return this.delivered(
      NoticeChannel.Sms,
      typeof body.ref === 'string' ? body.ref : undefined,
      typeof body.id === 'string' ? body.id : undefined,
      this.clock.now(),
    );
  }

  private async delivered(channel: NoticeChannel, noticeId: string | undefined, providerRef: string | undefined, at: Date): Promise<ReceiptOutcome> {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const key = noticeId && uuid.test(noticeId) ? { channel, noticeId } : providerRef ? { channel, providerRef } : null;
    if (!key) return 'unknown-message';
    const known = await this.dataSource.getRepository(NoticeAttempt).existsBy(key);
    if (!known) return 'unknown-message';
    await this.dataSource.transaction((manager) => markDelivered(manager, key, at));
    return 'recorded';
  }

  /** How many of a member's notices are unconfirmed (a ZNS outcome unknown, no receipt): reported, never re-sent. */
  async unconfirmedFor(memberId: string): Promise<number> {
    const [row] = await all(
      this.dataSource,
      db
        .selectFrom('notice')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('member_id', '=', memberId)
        .where('status', '=', 'unconfirmed'),
    );
    return Number(row?.count ?? 0);
  }

  /** Per channel, notices sent since `since`: how many were delivered, how many within 60 s of being queued. */
  async deliveryFigures(since: Date): Promise<ChannelDelivery[]> {
    const rows = await all(
      this.dataSource,
      db
        .selectFrom('notice_attempt as a')
        .innerJoin('notice as n', 'n.id', 'a.notice_id')
        .select((eb) => [
          'a.channel',
          eb.fn.countAll<string>().as('sent'),
          eb.fn.count<string>('a.delivered_at').as('delivered'),
          sql<string>`count(*) FILTER (WHERE ${eb.ref('a.delivered_at')} - ${eb.ref('n.created_at')} <= make_interval(secs => ${DELIVERY_TARGET_MS / 1000}))`.as(
            'within',
          ),
          sql<number | null>`percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM ${eb.ref('a.delivered_at')} - ${eb.ref('n.created_at')}))`.as(
            'p95',
          ),
        ])
        .where('a.status', '=', 'accepted')
        .where('a.accepted_at', '>=', since)
        .groupBy('a.channel'),
    );
    const unconfirmed = await all(
      this.dataSource,
      db
        .selectFrom('notice_attempt as a')
        .innerJoin('notice as n', 'n.id', 'a.notice_id')
        .select((eb) => ['a.channel', eb.fn.countAll<string>().as('count')])
        .where('n.status', '=', 'unconfirmed')
        .where('a.error', '=', 'no-receipt')
        .where('a.started_at', '>=', since)
        .groupBy('a.channel'),
    );
    const unconfirmedBy = new Map(unconfirmed.map((r) => [r.channel, Number(r.count)]));
    const byChannel = new Map(rows.map((r) => [r.channel, r]));
    return Object.values(NoticeChannel).map((channel) => {
      const r = byChannel.get(channel);
      return {
        channel,
        sent: Number(r?.sent ?? 0),
        delivered: Number(r?.delivered ?? 0),
        deliveredWithinTarget: Number(r?.within ?? 0),
        p95Seconds: r?.p95 == null ? null : Math.round(Number(r.p95) * 10) / 10,
        unconfirmed: unconfirmedBy.get(channel) ?? 0,
      };
    });
  }
}
