import { EntityManager } from 'typeorm';
import { NoticeChannel } from './notice-channel';
import { NoticeConsent } from './notice.entity';

/** The latest consent row of each channel of a member (the standing answer), by channel. */
export async function standingConsents(manager: EntityManager, memberId: string): Promise<Map<NoticeChannel, NoticeConsent>> {
  const rows = await manager.getRepository(NoticeConsent).find({ where: { memberId }, order: { createdAt: 'ASC' } });
  const out = new Map<NoticeChannel, NoticeConsent>();
  for (const row of rows) out.set(row.channel, row);
  return out;
}

/**
 * Whether a channel may carry a notice to the member now: ZNS and SMS only with a standing consent; e-mail to the
 * address the member gave, unless they withdrew it.
 */
export function consentAllows(consents: Map<NoticeChannel, NoticeConsent>, channel: NoticeChannel): boolean {
  const standing = consents.get(channel);
  return channel === NoticeChannel.Email ? standing?.granted !== false : standing?.granted === true;
}
