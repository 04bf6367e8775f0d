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

/** A notice's e-mail (or a receipt) marks the attempt and the notice delivered, once; a notice not yet marked sent keeps its status. */
export async function markDelivered(on: Executor, attempt: { channel: NoticeChannel; providerRef?: string; noticeId?: string }, at: Date): Promise<boolean> {
  let q = db.updateTable('notice_attempt').set({ delivered_at: at }).where('channel', '=', attempt.channel).where('delivered_at', 'is', null);
  if (attempt.noticeId) q = q.where('notice_id', '=', attempt.noticeId);
  else if (attempt.providerRef) q = q.where('provider_ref', '=', attempt.providerRef);
  else return false;
  const rows = await all(on, q.returning('notice_id'));
  if (!rows.length) return false;
  await all(
    on,
    db
      .updateTable('notice')
      .set((eb) => ({ delivered_at: at, status: eb.case().when('status', '=', 'sent').then('delivered').else(eb.ref('status')).end() }))
      .where('id', '=', rows[0].notice_id)
      .where('delivered_at', 'is', null)
      .returning('id'),
  );
  return true;
}

/** Replaces a sent notice's parameters (`params`: JSON text). */
export async function replaceNoticeParams(on: Executor, id: string, params: string): Promise<void> {
  await all(on, db.updateTable('notice').set({ params }).where('id', '=', id).returning('id'));
}
