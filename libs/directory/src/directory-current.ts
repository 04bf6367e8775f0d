import { RawBuilder, sql, SqlBool } from 'kysely';

/*
 * What "active" and "current" mean, everywhere the directory (and what reads it) decides it: started and not ended.
 *
 * - A member is active on a day when they have joined (joined_on <= that day) and have not left (left_on is empty).
 * - A membership is current when it has begun (from_date <= that day) and is open (to_date is empty).
 *
 * Ending is immediate: deactivateMember, a move and a dissolution take effect when they are recorded and may not be
 * dated after today (DirectoryService), so a left_on or to_date that is set is today or earlier, and the member or
 * membership stops counting as active or current at once, on that last day included. to_date stays an inclusive
 * last day for history ("was in the group on day D": from_date <= D <= to_date). Rows written before dates after
 * today were refused keep their dates but count by the same rule: a future joined_on or from_date is not active or
 * current yet, and a set left_on or to_date (even a future one) is ended. "Not left" (left_on IS NULL) alone is still
 * what keeps a phone number taken, because the unique index on member(phone) WHERE left_on IS NULL says so.
 */

/** True when the member has joined by `today` (Asia/Ho_Chi_Minh) and has not left. */
export function isActiveMember(member: { joinedOn: string; leftOn: string | null }, today: string): boolean {
  return member.leftOn === null && member.joinedOn <= today;
}

/** True when the membership has begun by `today` (Asia/Ho_Chi_Minh) and is open. */
export function isCurrentMembership(membership: { fromDate: string; toDate: string | null }, today: string): boolean {
  return membership.toDate === null && membership.fromDate <= today;
}

/** The same rule as a typed condition: `member` is the member table's alias, `today` a 'YYYY-MM-DD' date. */
export const activeMember = (member: string, today: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`(${sql.ref(`${member}.left_on`)} IS NULL AND ${sql.ref(`${member}.joined_on`)} <= ${today}::date)`;

/** The same rule as a typed condition: `membership` is the membership table's alias, `today` a 'YYYY-MM-DD' date. */
export const currentMembership = (membership: string, today: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`(${sql.ref(`${membership}.to_date`)} IS NULL AND ${sql.ref(`${membership}.from_date`)} <= ${today}::date)`;
