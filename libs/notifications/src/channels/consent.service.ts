import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@cdtg/time';
import { standingConsents } from './consent';
import { ConsentRecordedVia, consentRecordedVia, ConsentSource, NoticeChannel } from './notice-channel';
import { NoticeConsent } from './notice.entity';

/** A recorded consent row with the way it was recorded. */
export type RecordedConsent = NoticeConsent & { recordedVia: ConsentRecordedVia };

const withVia = (row: NoticeConsent): RecordedConsent => Object.assign(row, { recordedVia: consentRecordedVia(row) });

export interface ConsentChange {
  memberId: string;
  channel: NoticeChannel;
  granted: boolean;
  source: ConsentSource;
}

/**
 * Records a member's consent per channel, or its withdrawal, with the time, how (source) and who recorded it. Rows
 * are only added: the history stays, the latest row stands. Delivery checks the standing row when it sends.
 */
@Injectable()
export class ConsentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(by: { userId: string | null; label: string }, change: ConsentChange, manager: EntityManager = this.dataSource.manager): Promise<NoticeConsent> {
    const row = manager.getRepository(NoticeConsent).create({
      memberId: change.memberId,
      channel: change.channel,
      granted: change.granted,
      source: change.source,
      recordedBy: by.userId,
      recordedByLabel: by.label.slice(0, 200),
      recordedAt: this.clock.now(),
    });
    await manager.getRepository(NoticeConsent).insert(row);
    return row;
  }

  /** Every consent and withdrawal of a member, newest first. */
  async history(memberId: string): Promise<RecordedConsent[]> {
    return (await this.dataSource.getRepository(NoticeConsent).find({ where: { memberId }, order: { createdAt: 'DESC' } })).map(withVia);
  }

  /** The standing consent of each channel (granted or not; e-mail without a row: implied by the address). */
  async standing(memberId: string): Promise<{ channel: NoticeChannel; granted: boolean; since: RecordedConsent | null }[]> {
    const rows = await standingConsents(this.dataSource.manager, memberId);
    return Object.values(NoticeChannel).map((channel) => {
      const found = rows.get(channel);
      const row = found ? withVia(found) : null;
      return { channel, granted: row ? row.granted : channel === NoticeChannel.Email, since: row };
    });
  }
}
