import { all, anyOf, Executor, first } from '@cdtg/database';
import { db } from '../db';

/*
 * What assists reads of the directory (docs/boundaries.md: directory owns volunteer_group and membership).
 */

/** A group as the assistance log checks it. */
export function groupForEntries(on: Executor, id: string): Promise<{ id: string; unit_id: string; status: string; dissolved_on: string | null } | undefined> {
  return first(on, db.selectFrom('volunteer_group').select(['id', 'unit_id', 'status', 'dissolved_on']).where('id', '=', id));
}

/** The unit a group serves, as a subquery to compose. */
export function unitOfGroup(groupId: string) {
  return db.selectFrom('volunteer_group').select('unit_id').where('id', '=', groupId);
}

/** Every period each of the members spent in the group (from_date and to_date, inclusive). */
export function membershipPeriods(on: Executor, groupId: string, memberIds: string[]): Promise<{ member_id: string; from: string; to: string | null }[]> {
  return all(
    on,
    db
      .selectFrom('membership')
      .select(['member_id', 'from_date as from', 'to_date as to'])
      .where('group_id', '=', groupId)
      .where('member_id', '=', anyOf(memberIds, 'uuid')),
  );
}
