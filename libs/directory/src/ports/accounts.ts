import { all, anyOf, Executor, first } from '@cdtg/database';
import { activeMember, currentMembership } from '../directory-current';
import { db } from '../db';

/* What accounts reads of the directory: the groups grants are given on, and the member an account is. */

/** Some groups with their name and unit (missing ids are left out). */
export function groupsByIds(on: Executor, ids: readonly string[]) {
  return all(
    on,
    db
      .selectFrom('volunteer_group as g')
      .select(['g.id', 'g.name', 'g.unit_id'])
      .where('g.id', '=', anyOf([...ids], 'uuid')),
  );
}

/** Every group's unit, as a subquery (id, unit_id) to join a grant's group to where it lies. */
export function groupUnits() {
  return db.selectFrom('volunteer_group as vg').select(['vg.id', 'vg.unit_id']);
}

/** An active member on `today` with their current group and its unit (both null outside a group), if any. */
export function activeMemberPlace(on: Executor, memberId: string, today: string) {
  return first(
    on,
    db
      .selectFrom('member as m')
      .leftJoin('membership as ms', (join) => join.onRef('ms.member_id', '=', 'm.id').on(currentMembership('ms', today)))
      .leftJoin('volunteer_group as g', 'g.id', 'ms.group_id')
      .select(['m.id', 'g.id as group_id', 'g.unit_id'])
      .where('m.id', '=', memberId)
      .where(activeMember('m', today)),
  );
}
