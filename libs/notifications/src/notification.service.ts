import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@cdtg/config';
import { JobName, OutboxService } from '@cdtg/queue';
import { Clock } from '@cdtg/time';
import { ParamSeal } from './sealed-params';
import { EmailTemplates, EmailTemplateName } from './templates';
import { Language } from './language';
import { EmailMessage } from './email-message.entity';
import { insertEmail } from './email-message.repository';
import { NoticeChannel } from './channels/notice-channel';
import { insertNotice } from './channels/notice.repository';

export interface QueueEmail<T extends EmailTemplateName> {
  to: string;
  language: Language;
  template: T;
  params: EmailTemplates[T];
  /**
   * Why this e-mail exists, e.g. "assignment:<id>"; queuing the same key twice sends one e-mail. Stored and sent in a
   * header: never put a secret (a link's token) in it; name the token's row instead.
   */
  dedupeKey: string;
}

/** A notice to a member, on whichever channel reaches them (notice-delivery.service.ts). */
export interface QueueNotice<T extends EmailTemplateName> {
  memberId: string;
  /** E.164 (+84…), or null. */
  phone: string | null;
  email: string | null;
  preferredChannel: NoticeChannel | null;
  language: Language;
  template: T;
  params: EmailTemplates[T];
  /** Why this notice exists; the same key twice queues one notice, on one channel. No secret in it. */
  dedupeKey: string;
}

/** Queues e-mails inside the caller's transaction. Sending happens in the worker, never in a request. */
@Injectable()
export class NotificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.seal = new ParamSeal(config.authSecret);
  }

  private readonly seal: ParamSeal;

  /** An operator's check that delivery works end to end: queues one test e-mail and returns its id. */
  async queueTestEmail(to: string, language: Language): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const id = await this.queueEmail(manager, {
        to,
        language,
        template: 'test',
        params: { requestedAt: this.clock.now().toISOString() },
        dedupeKey: `test:${randomUUID()}`,
      });
      return id!;
    });
  }

  async findEmail(id: string): Promise<EmailMessage | null> {
    return this.dataSource.getRepository(EmailMessage).findOneBy({ id });
  }

  /** Returns the notice's id, or null when a notice with the same dedupe key was already queued. */
  async queueNotice<T extends EmailTemplateName>(manager: EntityManager, notice: QueueNotice<T>): Promise<string | null> {
    const noticeId = await insertNotice(manager, {
      ...notice,
      params: JSON.stringify(this.seal.sealParams(notice.template, notice.params as unknown as Record<string, unknown>)),
    });
    if (noticeId === null) return null;
    await this.outbox.enqueue(manager, JobName.SendNotice, { noticeId }, { aggregate: `notice:${noticeId}`, jobKey: noticeId });
    return noticeId;
  }

  /** Returns the e-mail's id, or null when an e-mail with the same dedupe key was already queued. */
  async queueEmail<T extends EmailTemplateName>(manager: EntityManager, email: QueueEmail<T>): Promise<string | null> {
    const emailId = await insertEmail(manager, {
      dedupeKey: email.dedupeKey,
      to: email.to,
      language: email.language,
      template: email.template,
      params: JSON.stringify(this.seal.sealParams(email.template, email.params as unknown as Record<string, unknown>)),
    });
    if (emailId === null) return null;
    await this.outbox.enqueue(manager, JobName.SendEmail, { emailId }, { aggregate: `email:${emailId}`, jobKey: emailId });
    return emailId;
  }
}
