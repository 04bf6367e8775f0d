import { sql } from 'kysely';
import { db } from '../db';

/**
 * What accounts reads of the audit log: the grants the system gave by following a reorganisation, as a subquery
 * (user_id, the old unit `from_unit_id`, the new `unit_id` and the role, all as the text the events hold).
 */
export function grantFollowEvents() {
  return db
    .selectFrom('audit_event as a')
    .select([
      'a.object_id as user_id',
      sql<string | null>`a.before->>'unitId'`.as('from_unit_id'),
      sql<string | null>`a.after->>'unitId'`.as('unit_id'),
      sql<string | null>`a.after->>'role'`.as('role'),
    ])
    .where('a.object_type', '=', 'user')
    .where('a.operation', '=', 'grant.follow-reorganisation');
}
