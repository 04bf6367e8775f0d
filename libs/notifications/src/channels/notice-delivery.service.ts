import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@cdtg/config';
import { Clock } from '@cdtg/time';
import { Language } from '../language';
import { NotificationService } from '../notification.service';
import { ParamSeal } from '../sealed-params';
import { EmailTemplateName, isPhoneTemplate, PhoneParams, renderPhoneMessage, SECRET_PARAMS } from '../templates';
import { consentAllows, standingConsents } from './consent';
import { FALLBACK_ORDER, NoticeChannel } from './notice-channel';
import { Notice, NoticeAttempt } from './notice.entity';
import { markSent, replaceNoticeParams } from './notice.repository';
import { PhoneProvider, ProviderOutcome, SMS_PROVIDER, ZNS_PROVIDER } from './provider';

/** Answers "busy" (rate limited, refused connection) on one channel before the next channel is tried. */
export const BUSY_LIMIT = 3;

export type DeliveryResult = 'missing' | 'already-sent' | 'undeliverable' | 'unconfirmed' | 'sent';

type Step = { done: DeliveryResult } | { wait: 'zns-receipt' } | { call: NoticeChannel.ZaloZns | NoticeChannel.Sms; attemptId: string; notice: Notice };

/** A retry of the job: the attempt waits on its channel (busy or unknown answer). */
export class NoticeRetryLater extends Error {
  constructor(
    readonly channel: NoticeChannel,
    readonly code: string,
  ) {
    super(`notice ${channel} ${code}: retried later on the same channel`);
  }
}

/**
 * Delivers one queued notice, never twice across channels:
 * 1. In a transaction holding the notice's row: a channel with a pending attempt is used again; otherwise the next
 *    channel in the member's order (preferred, then ZNS → SMS → e-mail) that can reach them (a phone, a template
 *    that goes by phone, the provider on; an address for e-mail) and that they consent to now. Its attempt is
 *    committed as pending, with the call counted, before any provider is called. A pending attempt with more calls
 *    than recorded answers lost a call (the worker died): it is uncertain. E-mail is handed to the mail queue
 *    (email_message, same dedupe key) in this same transaction: nothing is called.
 * 2. The provider is called with the notice's id as its reference (ZNS tracking_id, the gateway's ref).
 * 3. The answer is recorded (answered + 1): accepted → sent; refused, or busy BUSY_LIMIT times, while no answer was
 *    unknown → the next channel at once; after an unknown answer only a refusal about the message itself moves on;
 *    busy or unknown → the job fails and is retried.
 * An uncertain ZNS attempt is never called again (Zalo has no idempotency key): its receipt is awaited for
 * ZNS_RECEIPT_WAIT_MS, then the notice is unconfirmed. An uncertain SMS is retried with the same ref (the gateway
 * de-duplicates on it). A consent withdrawn while an attempt waits closes the attempt; the notice falls back only if
 * the attempt is not uncertain, and is otherwise left undeliverable rather than risk a second copy.
 */
@Injectable()
export class NoticeDeliveryService {
  private readonly logger = new Logger(NoticeDeliveryService.name);
  private readonly seal: ParamSeal;

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationService,
    @Inject(ZNS_PROVIDER) private readonly zns: PhoneProvider,
    @Inject(SMS_PROVIDER) private readonly sms: PhoneProvider,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.seal = new ParamSeal(config.authSecret);
    this.receiptWaitMs = config.ZNS_RECEIPT_WAIT_MS;
  }

  private readonly receiptWaitMs: number;

  async deliver(noticeId: string): Promise<DeliveryResult> {
    for (let hop = 0; hop < 10; hop++) {
      const step = await this.dataSource.transaction((manager) => this.decide(manager, noticeId));
      if ('done' in step) return step.done;
      if ('wait' in step) throw new NoticeRetryLater(NoticeChannel.ZaloZns, 'awaiting-receipt');
      const provider = step.call === NoticeChannel.ZaloZns ? this.zns : this.sms;
      const n = step.notice;
      const params = this.seal.openParams(n.template as EmailTemplateName, n.params) as unknown as PhoneParams;
      const message = renderPhoneMessage(n.template as never, n.language, params);
      const outcome = await provider.send({ ref: n.id, phone: n.phone!, template: n.template as never, text: message.text, data: message.data });
      const next = await this.dataSource.transaction((manager) => this.record(manager, n.id, step.attemptId, step.call, outcome));
      if (next === 'sent') return 'sent';
      if (next !== 'next-channel') throw new NoticeRetryLater(step.call, next.code);
    }
    throw new Error(`notice ${noticeId}: too many channel hops`);
  }

  private async decide(manager: EntityManager, noticeId: string): Promise<Step> {
    const notice = await manager.getRepository(Notice).findOne({ where: { id: noticeId }, lock: { mode: 'pessimistic_write' } });
    if (!notice) return { done: 'missing' };
    if (notice.status !== 'queued') return { done: 'already-sent' };
    const attempts = await manager.getRepository(NoticeAttempt).find({ where: { noticeId } });
    const consents = await standingConsents(manager, notice.memberId);
    let attempt = attempts.find((a) => a.status === 'pending') ?? null;
    if (attempt && !attempt.uncertain && attempt.calls > attempt.answered) {
      // A call whose answer was never recorded (the worker died mid-call): the provider may have taken it.
      await manager.update(NoticeAttempt, attempt.id, { uncertain: true, error: 'no-answer' });
      attempt.uncertain = true;
    }
    // Its receipt came before its answer was recorded (a killed worker, a slow answer): delivered, nothing to call.
    if (attempt?.deliveredAt) return this.confirmedByReceipt(manager, notice, attempt);
    if (attempt && !consentAllows(consents, attempt.channel)) {
      // Withdrawn while the attempt waited: never call again without consent.
      await manager.update(NoticeAttempt, attempt.id, { status: 'refused', error: 'consent-withdrawn' });
      if (attempt.uncertain) return this.undeliverable(manager, notice, 'consent-withdrawn-after-unknown');
      attempt = null;
    }
    // Zalo documents no idempotency key: after an unknown outcome ZNS is never called again, only its receipt awaited.
    if (attempt && attempt.uncertain && attempt.channel === NoticeChannel.ZaloZns) return this.awaitReceipt(manager, notice, attempt);
    if (!attempt) {
      const tried = new Set(attempts.map((a) => a.channel));
      const channel = this.order(notice).find((c) => !tried.has(c) && this.reachable(notice, c) && consentAllows(consents, c));
      if (!channel) return this.undeliverable(manager, notice, 'no-channel');
      attempt = await manager
        .getRepository(NoticeAttempt)
        .save(manager.getRepository(NoticeAttempt).create({ noticeId, channel, status: 'pending', calls: 0, uncertain: false }));
      if (channel === NoticeChannel.Email) {
        await this.handToMail(manager, notice, attempt);
        return { done: 'sent' };
      }
    }
    await manager.increment(NoticeAttempt, { id: attempt.id }, 'calls', 1);
    return { call: attempt.channel as NoticeChannel.ZaloZns | NoticeChannel.Sms, attemptId: attempt.id, notice };
  }

  private async record(
    manager: EntityManager,
    noticeId: string,
    attemptId: string,
    channel: NoticeChannel,
    outcome: ProviderOutcome,
  ): Promise<'sent' | 'next-channel' | { code: string }> {
    // The notice first, then its attempt: the order every writer (receipts too) takes.
    await manager.getRepository(Notice).findOne({ where: { id: noticeId }, lock: { mode: 'pessimistic_write' } });
    const attempt = await manager.getRepository(NoticeAttempt).findOne({ where: { id: attemptId }, lock: { mode: 'pessimistic_write' } });
    if (!attempt) return 'sent';
    if (attempt.status === 'accepted') return 'sent';
    const now = this.clock.now();
    if (outcome.kind === 'accepted') {
      await manager.update(NoticeAttempt, attemptId, {
        status: 'accepted',
        answered: attempt.answered + 1,
        providerRef: outcome.ref,
        acceptedAt: now,
        error: null,
      });
      await this.markSent(manager, noticeId, channel, now);
      this.logger.log(`notice ${noticeId} sent by ${channel}`);
      return 'sent';
    }
    const uncertain = attempt.uncertain || outcome.kind === 'unknown';
    // After an unknown answer only a refusal about the message itself (not on Zalo, invalid number…) leaves the channel:
    // a refusal of the moment (quota) or a busy provider may hide an earlier call that was taken.
    const giveUp = (outcome.kind === 'refused' && !(uncertain && outcome.passing)) || (outcome.kind === 'busy' && !uncertain && attempt.calls >= BUSY_LIMIT);
    await manager.update(NoticeAttempt, attemptId, {
      uncertain,
      answered: attempt.answered + 1,
      error: outcome.code,
      ...(giveUp ? { status: 'refused' as const } : {}),
    });
    await manager.update(Notice, noticeId, { lastError: `${channel}:${outcome.code}` });
    return giveUp ? 'next-channel' : { code: outcome.code };
  }

  /**
   * A ZNS attempt whose outcome is unknown: its receipt (user_received_message, matched by tracking_id) makes it sent;
   * without one within ZNS_RECEIPT_WAIT_MS of the attempt, the notice is unconfirmed. Never a second call.
   */
  private async awaitReceipt(manager: EntityManager, notice: Notice, attempt: NoticeAttempt): Promise<Step> {
    const now = this.clock.now();
    if (now.getTime() - attempt.startedAt.getTime() < this.receiptWaitMs) return { wait: 'zns-receipt' };
    await manager.update(NoticeAttempt, attempt.id, { status: 'refused', error: 'no-receipt' });
    await manager.update(Notice, notice.id, { status: 'unconfirmed', lastError: 'zns:no-receipt' });
    this.logger.warn(`notice ${notice.id} unconfirmed: a ZNS call with an unknown outcome and no receipt`);
    return { done: 'unconfirmed' };
  }

  /** A pending attempt whose delivery receipt came: accepted and sent, as its provider's answer would have made it. */
  private async confirmedByReceipt(manager: EntityManager, notice: Notice, attempt: NoticeAttempt): Promise<Step> {
    await manager.update(NoticeAttempt, attempt.id, { status: 'accepted', acceptedAt: attempt.deliveredAt, error: null });
    await this.markSent(manager, notice.id, attempt.channel, this.clock.now());
    this.logger.log(`notice ${notice.id} sent by ${attempt.channel} (confirmed by its receipt)`);
    return { done: 'sent' };
  }

  /** The member's preferred channel first, then ZNS → SMS → e-mail. */
  private order(notice: Notice): NoticeChannel[] {
    const preferred = notice.preferredChannel;
    return preferred ? [preferred, ...FALLBACK_ORDER.filter((c) => c !== preferred)] : [...FALLBACK_ORDER];
  }

  private reachable(notice: Notice, channel: NoticeChannel): boolean {
    if (channel === NoticeChannel.Email) return !!notice.email;
    const provider = channel === NoticeChannel.ZaloZns ? this.zns : this.sms;
    return !!notice.phone && isPhoneTemplate(notice.template) && provider.available;
  }

  /** E-mail: queued with the notice's own dedupe key in this transaction; the mail job sends it. */
  private async handToMail(manager: EntityManager, notice: Notice, attempt: NoticeAttempt): Promise<void> {
    const template = notice.template as EmailTemplateName;
    const emailId = await this.notifications.queueEmail(manager, {
      to: notice.email!,
      language: notice.language === 'en' ? Language.en : Language.vi,
      template,
      params: this.seal.openParams(template, notice.params) as never,
      dedupeKey: notice.dedupeKey,
    });
    const now = this.clock.now();
    await manager.update(NoticeAttempt, attempt.id, { status: 'accepted', providerRef: emailId, acceptedAt: now });
    await this.markSent(manager, notice.id, NoticeChannel.Email, now);
  }

  /** Sent: the channel noted, and the template's secret parameters (signed links) no longer kept readable. */
  private async markSent(manager: EntityManager, noticeId: string, channel: NoticeChannel, now: Date): Promise<void> {
    const notice = await manager.getRepository(Notice).findOneByOrFail({ id: noticeId });
    const secrets = (SECRET_PARAMS[notice.template as EmailTemplateName] ?? []) as string[];
    if (secrets.length) {
      const cleared = { ...notice.params, ...Object.fromEntries(secrets.filter((k) => k in notice.params).map((k) => [k, '[sent]'])) };
      await replaceNoticeParams(manager, noticeId, JSON.stringify(cleared));
    }
    await markSent(manager, noticeId, channel, now);
  }

  private async undeliverable(manager: EntityManager, notice: Notice, why: string): Promise<Step> {
    await manager.update(Notice, notice.id, { status: 'undeliverable', lastError: why });
    this.logger.warn(`notice ${notice.id} undeliverable: ${why}`);
    return { done: 'undeliverable' };
  }
}
