import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@cdtg/config';
import { Clock } from '@cdtg/time';
import { EmailMessage } from './email-message.entity';
import { recordFailedAttempt, replaceParams } from './email-message.repository';
import { MAIL_TRANSPORT, MailTransport } from './mail-transport';
import { ParamSeal } from './sealed-params';
import { NoticeChannel } from './channels/notice-channel';
import { markDelivered } from './channels/notice.repository';
import { consentAllows, standingConsents } from './channels/consent';
import { Notice, NoticeAttempt } from './channels/notice.entity';
import { renderEmail, SECRET_PARAMS } from './templates';

/**
 * Delivers one queued e-mail. Idempotent: the row is locked while sending and marked sent in the same
 * transaction, so a job that runs twice sends once. A crash between the SMTP answer and the commit can send
 * twice; both copies carry the same Message-ID (at-least-once with a visible dedupe key).
 */
@Injectable()
export class MailDeliveryService {
  private readonly logger = new Logger(MailDeliveryService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    private readonly clock: Clock,
  ) {
    this.seal = new ParamSeal(config.authSecret);
  }

  private readonly seal: ParamSeal;

  async deliver(emailId: string): Promise<'sent' | 'already-sent' | 'missing' | 'cancelled'> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const email = await manager.getRepository(EmailMessage).findOne({ where: { id: emailId }, lock: { mode: 'pessimistic_write' } });
        if (!email) return 'missing';
        if (email.status === 'sent') return 'already-sent';
        if (email.status === 'cancelled') return 'cancelled';
        if (await this.noticeConsentWithdrawn(manager, email)) return 'cancelled';
        const rendered = renderEmail(email.template, email.language, this.seal.openParams(email.template, email.params) as never);
        const messageId = `<${email.id}@cdtg>`;
        const response = await this.transport.send({
          from: this.config.MAIL_FROM,
          to: email.toAddress,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId,
          headers: { ...rendered.headers, 'X-Cdtg-Dedupe-Key': email.dedupeKey },
          attachments: rendered.attachments,
        });
        // A sent link must not stay readable in the database: its secret parameters are cleared.
        const now = this.clock.now();
        await manager.update(EmailMessage, email.id, { status: 'sent', sentAt: now, messageId, attempts: email.attempts + 1, lastError: null });
        // A notice that went by e-mail is delivered, as far as e-mail can tell, when the SMTP server takes it.
        await markDelivered(manager, { channel: NoticeChannel.Email, providerRef: email.id }, now);
        const secrets = (SECRET_PARAMS[email.template] ?? []) as string[];
        if (secrets.length) {
          const cleared = { ...email.params, ...Object.fromEntries(secrets.map((k) => [k, '[sent]'])) };
          await replaceParams(manager, email.id, JSON.stringify(cleared));
        }
        this.logger.log(`e-mail ${email.template} ${email.id} sent (${response})`);
        return 'sent';
      });
    } catch (error) {
      // The transaction rolled back (and released the row); record the attempt and let the queue retry.
      await recordFailedAttempt(this.dataSource, emailId, (error as Error).message.slice(0, 2000)).catch(() => undefined);
      throw error;
    }
  }

  /**
   * A notice's e-mail (its attempt names this e-mail) is sent only while the member consents to e-mail: consent is
   * checked when it is sent, also after an SMTP outage. Withdrawn: the e-mail is cancelled and the notice, which had
   * been handed to e-mail, is undeliverable. Locks the notice's row first, as notice delivery does.
   */
  private async noticeConsentWithdrawn(manager: EntityManager, email: EmailMessage): Promise<boolean> {
    const attempt = await manager.getRepository(NoticeAttempt).findOneBy({ channel: NoticeChannel.Email, providerRef: email.id });
    if (!attempt) return false;
    const notice = await manager.getRepository(Notice).findOne({ where: { id: attempt.noticeId }, lock: { mode: 'pessimistic_write' } });
    if (!notice || consentAllows(await standingConsents(manager, notice.memberId), NoticeChannel.Email)) return false;
    await manager.update(EmailMessage, email.id, { status: 'cancelled', lastError: 'consent-withdrawn' });
    await manager.update(NoticeAttempt, attempt.id, { status: 'refused', error: 'consent-withdrawn' });
    await manager.update(Notice, notice.id, { status: 'undeliverable', channel: null, lastError: 'email:consent-withdrawn' });
    this.logger.log(`e-mail ${email.id} cancelled: the member withdrew e-mail consent`);
    return true;
  }
}
