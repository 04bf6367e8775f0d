import { db } from '../db';

/**
 * Active accounts with a department grant not revoked, one row per grant with its unit (the weekly digest's
 * recipients), a subquery to compose: a plain join (no aggregate, DISTINCT or LIMIT), which PostgreSQL flattens.
 */
export function departmentGrantsForRollups() {
  return db
    .selectFrom('user_account as u')
    .innerJoin('role_grant as g', 'g.user_id', 'u.id')
    .select(['u.id as user_id', 'u.email', 'u.display_name', 'u.language', 'g.unit_id'])
    .where('g.revoked_at', 'is', null)
    .where('g.role', '=', 'DEPARTMENT')
    .where('u.status', '=', 'active');
}

/**
 * Active accounts with a ward officer grant not revoked, one row per grant with its unit (who gets a unit's
 * "behind plan" notice), a subquery to compose like departmentGrantsForRollups.
 */
export function wardOfficerGrantsForRollups() {
  return db
    .selectFrom('user_account as u')
    .innerJoin('role_grant as g', 'g.user_id', 'u.id')
    .select(['u.id as user_id', 'u.email', 'u.display_name', 'u.language', 'g.unit_id'])
    .where('g.revoked_at', 'is', null)
    .where('g.role', '=', 'WARD_OFFICER')
    .where('u.status', '=', 'active');
}
