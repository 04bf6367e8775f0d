import { all, anyOf, Executor } from '@cdtg/database';
import { db } from '../db';

/*
 * What assists reads of training sessions (docs/boundaries.md: sessions owns training_session).
 */

/** The sessions among `sessionIds` that the group runs, with their status. */
export function sessionsOfGroup(on: Executor, groupId: string, sessionIds: string[]): Promise<{ id: string; status: string }[]> {
  return all(on, db.selectFrom('training_session').select(['id', 'status']).where('group_id', '=', groupId).where('id', '=', anyOf(sessionIds, 'uuid')));
}
