import { all, Executor } from '@cdtg/database';
import { db } from '../db';
import { NoticeChannel } from './notice-channel';

/** Queues a notice row; returns its id, or null when a notice with the same dedupe key exists. */
export async function insertNotice(
  on: Executor,
  n: {
    dedupeKey: string;
    memberId: string;
    phone: string | null;
    email: string | null;
    preferredChannel: NoticeChannel | null;
    language: string;
    template: string;
    params: string;
  },
): Promise<string | null> {
  const rows = await all(
    on,
    db
      .insertInto('notice')
      .values({
        dedupe_key: n.dedupeKey,
        member_id: n.memberId,
        phone: n.phone,
        email: n.email,
        preferred_channel: n.preferredChannel,
        language: n.language,
        template: n.template,
        params: n.params,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id'),
  );
  return rows[0]?.id ?? null;
}

/**
 * A receipt (or the SMTP server taking a notice's e-mail) marks the attempt and the notice delivered, once. Run in a
 * transaction: the notice's row is locked first, as delivery locks it, so a receipt that overtakes the provider's
 * answer is never lost (a notice not yet marked sent keeps its status; markSent then makes it delivered).
 */
export async function markDelivered(on: Executor, attempt: { channel: NoticeChannel; providerRef?: string; noticeId?: string }, at: Date): Promise<boolean> {
  let find = db.selectFrom('notice_attempt').select('notice_id').where('channel', '=', attempt.channel);
  if (attempt.noticeId) find = find.where('notice_id', '=', attempt.noticeId);
  else if (attempt.providerRef) find = find.where('provider_ref', '=', attempt.providerRef);
  else return false;
  const [found] = await all(on, find);
  if (!found) return false;
  await all(on, db.selectFrom('notice').select('id').where('id', '=', found.notice_id).forUpdate());
  await all(
    on,
    db
      .updateTable('notice_attempt')
      .set({ delivered_at: at })
      .where('notice_id', '=', found.notice_id)
      .where('channel', '=', attempt.channel)
      .where('delivered_at', 'is', null)
      .returning('id'),
  );
  await all(
    on,
    db
      .updateTable('notice')
      .set((eb) => ({ delivered_at: at, status: eb.case().when('status', 'in', ['sent', 'unconfirmed']).then('delivered').else(eb.ref('status')).end() }))
      .where('id', '=', found.notice_id)
      .where('delivered_at', 'is', null)
      .returning('id'),
  );
  return true;
}

/** Sent on `channel`; delivered already when a receipt came before the provider's answer was recorded. */
export async function markSent(on: Executor, id: string, channel: NoticeChannel, at: Date): Promise<void> {
  await all(
    on,
    db
      .updateTable('notice')
      .set((eb) => ({
        status: eb.case().when('delivered_at', 'is not', null).then('delivered').else('sent').end(),
        channel,
        sent_at: at,
        last_error: null,
      }))
      .where('id', '=', id)
      .returning('id'),
  );
}

/** Replaces a sent notice's parameters (`params`: JSON text). */
export async function replaceNoticeParams(on: Executor, id: string, params: string): Promise<void> {
  await all(on, db.updateTable('notice').set({ params }).where('id', '=', id).returning('id'));
}
