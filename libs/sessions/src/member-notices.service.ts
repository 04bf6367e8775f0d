import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { sql } from 'kysely';
import { AuditActor, AuditService } from '@cdtg/audit';
import { affected, first } from '@cdtg/database';
import { DomainError, Reason } from '@cdtg/errors';
import { ConsentService, ConsentSource, NoticeChannel, NoticeReceipts, RecordedConsent } from '@cdtg/notifications';
import { db } from './db';
import { SessionRepository } from './session.repository';

/** A member's notices as an officer sees them: the preferred channel, the standing consent per channel, the history. */
export interface MemberNotices {
  memberId: string;
  preferredChannel: NoticeChannel | null;
  channels: { channel: NoticeChannel; granted: boolean; since: RecordedConsent | null }[];
  history: RecordedConsent[];
  /** Notices to the member whose delivery stayed unconfirmed (not re-sent). */
  unconfirmedNotices: number;
}

/**
 * Notice preferences and consent of one member, for the officer's console: the preferred channel lives with the
 * member's other notice choices (member_notice_preference), consent in the notifications lib (checked when a
 * message is sent). The member must exist: consent is never recorded for an id that names no one. Each change is
 * also in the audit log, under the member.
 */
@Injectable()
export class MemberNoticesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SessionRepository,
    private readonly consents: ConsentService,
    private readonly receipts: NoticeReceipts,
    private readonly audit: AuditService,
  ) {}

  async view(memberId: string): Promise<MemberNotices> {
    await this.exists(memberId);
    const row = await first(this.dataSource, db.selectFrom('member_notice_preference').select('preferred_channel').where('member_id', '=', memberId));
    return {
      memberId,
      preferredChannel: (row?.preferred_channel as NoticeChannel | null | undefined) ?? null,
      channels: await this.consents.standing(memberId),
      history: await this.consents.history(memberId),
      unconfirmedNotices: await this.receipts.unconfirmedFor(memberId),
    };
  }

  /**
   * Records consent to a channel, or its withdrawal, with how it was given and who recorded it. The source MEMBER
   * (the member's own act) only from the member's own account: an officer records how the member told them.
   */
  async recordConsent(by: AuditActor, change: { memberId: string; channel: NoticeChannel; granted: boolean; source: ConsentSource }): Promise<MemberNotices> {
    await this.exists(change.memberId);
    if (change.source === ConsentSource.Member && (!by.userId || (await this.repository.memberOfUser(by.userId)) !== change.memberId)) {
      throw DomainError.invalid('input.source', Reason.ConsentByMemberOnly);
    }
    await this.recordConsents(by, change.memberId, [change]);
    return this.view(change.memberId);
  }

  /** Several consent changes of one member (each audited), in one transaction: all recorded or none. */
  async recordConsents(by: AuditActor, memberId: string, changes: { channel: NoticeChannel; granted: boolean; source: ConsentSource }[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const change of changes) {
        await this.consents.record(by, { memberId, ...change }, manager);
        await this.audited(manager, by, memberId, change.granted ? 'notice.consent' : 'notice.consent-withdrawn', {
          channel: change.channel,
          granted: change.granted,
          source: change.source,
        });
      }
    });
  }

  /** Sets (or, with null, clears) the channel tried first. */
  async setPreferredChannel(by: AuditActor, memberId: string, channel: NoticeChannel | null): Promise<MemberNotices> {
    await this.exists(memberId);
    await this.dataSource.transaction(async (manager) => {
      await affected(
        manager,
        db
          .insertInto('member_notice_preference')
          .values({ member_id: memberId, preferred_channel: channel })
          .onConflict((oc) =>
            oc.column('member_id').doUpdateSet((eb) => ({ preferred_channel: eb.ref('excluded.preferred_channel'), updated_at: sql<Date>`now()` })),
          ),
      );
      await this.audited(manager, by, memberId, 'notice.preferred-channel', { channel });
    });
    return this.view(memberId);
  }

  /** In the audit log under the member, readable where the member's current group is. */
  private async audited(manager: EntityManager, by: AuditActor, memberId: string, operation: string, after: object): Promise<void> {
    const group = await this.repository.currentGroupOf(manager, memberId);
    await this.audit.record(manager, by, { operation, objectType: 'member', objectId: memberId, after, groupId: group?.groupId ?? null });
  }

  private async exists(memberId: string): Promise<void> {
    if (!(await this.repository.memberContact(memberId))) throw DomainError.notFound('Member');
  }
}
