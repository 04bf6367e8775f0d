import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { ActorGrant, Role } from '@cdtg/access';
import { grantFollowEvents } from '@cdtg/audit';
import { all, anyOf, Executor, first, hydrate } from '@cdtg/database';
import { reorganisationLinks, successorLinksInForce, unitPaths } from '@cdtg/geography';
import { db } from './db';
import { RoleGrant } from './role-grant.entity';

/** The statements about grants, and the actor a request acts as (an account and its grants). */

/** An active account and its grants, without a session (null when the account is not active). */
export function activeAccountGrants(on: Executor, userId: string) {
  return first(
    on,
    db
      .selectFrom('user_account as u')
      .leftJoin('role_grant as g', (join) => join.onRef('g.user_id', '=', 'u.id').on('g.revoked_at', 'is', null))
      .leftJoin(unitPaths().as('a'), 'a.id', 'g.unit_id')
      .select([
        'u.email',
        sql<ActorGrant[]>`COALESCE(json_agg(json_build_object('id', g.id, 'role', g.role, 'unitId', g.unit_id, 'unitPath', a.path, 'groupId', g.group_id))
                FILTER (WHERE g.id IS NOT NULL), '[]')`.as('grants'),
      ])
      .where('u.id', '=', userId)
      .where('u.status', '=', 'active')
      .groupBy('u.id'),
  );
}

/**
 * The account of a live session (not revoked, not expired at `now`) with its grants; `moved` tells a grant whose
 * unit a reorganisation in force on `today` carried elsewhere.
 */
export function sessionAccountGrants(on: Executor, sessionId: string, userId: string, today: string, now: Date) {
  return first(
    on,
    db
      .selectFrom('auth_session as s')
      .innerJoin('user_account as u', (join) => join.onRef('u.id', '=', 's.user_id').on('u.status', '=', 'active'))
      .leftJoin('role_grant as g', (join) => join.onRef('g.user_id', '=', 'u.id').on('g.revoked_at', 'is', null))
      .leftJoin(unitPaths().as('a'), 'a.id', 'g.unit_id')
      .select((eb) => [
        'u.email',
        sql<(ActorGrant & { moved: boolean })[]>`COALESCE(json_agg(json_build_object(
                'id', g.id, 'role', g.role, 'unitId', g.unit_id, 'unitPath', a.path, 'groupId', g.group_id,
                'moved', ${eb.exists(
                  eb
                    .selectFrom(successorLinksInForce(today).as('l'))
                    .select(sql`1`.as('one'))
                    .whereRef('l.from_unit_id', '=', 'g.unit_id'),
                )})
              ) FILTER (WHERE g.id IS NOT NULL), '[]')`.as('grants'),
      ])
      .where('s.id', '=', sessionId)
      .where('s.user_id', '=', userId)
      .where('s.revoked_at', 'is', null)
      .where('s.expires_at', '>', sql<Date>`${now}::timestamptz`)
      .groupBy('u.id'),
  );
}

/** Adds a grant unless the user already holds it; its id when added. */
export async function insertGrant(
  on: Executor,
  grant: { userId: string; role: Role; unitId: string | null; groupId: string | null; grantedBy: string | null },
): Promise<string | undefined> {
  const [row] = await all(
    on,
    db
      .insertInto('role_grant')
      .values({ user_id: grant.userId, role: grant.role, unit_id: grant.unitId, group_id: grant.groupId, granted_by: grant.grantedBy })
      .onConflict((oc) => oc.doNothing())
      .returning('id'),
  );
  return row?.id;
}

/** Active grants of several users, oldest first. */
export async function activeGrantsOf(dataSource: DataSource, userIds: readonly string[]): Promise<RoleGrant[]> {
  const rows = await all(
    dataSource,
    db
      .selectFrom('role_grant as g')
      .selectAll('g')
      .where('g.user_id', '=', anyOf([...userIds], 'uuid'))
      .where('g.revoked_at', 'is', null)
      .orderBy('g.created_at'),
  );
  return rows.map((row) => hydrate(dataSource, RoleGrant, row));
}

/** Active unit grants (of one user, or everyone's) whose unit a reorganisation in force on `today` carried elsewhere, with the successors. */
export function grantsToFollow(manager: EntityManager, today: string, userId: string | undefined) {
  let query = db
    .selectFrom('role_grant as g')
    .innerJoin(successorLinksInForce(today).as('l'), 'l.from_unit_id', 'g.unit_id')
    .select(['g.id', sql<string[]>`array_agg(DISTINCT l.to_unit_id)`.as('targets')])
    .where('g.revoked_at', 'is', null);
  if (userId != null) query = query.where('g.user_id', '=', userId);
  return all(manager, query.groupBy('g.id'));
}

/**
 * Active grants the system gave by following a reorganisation link (an audited grant.follow-reorganisation) that no
 * link backs any more (none from a unit the user held to the grant's unit), locked.
 */
export function unfoundedGrants(manager: EntityManager, userId: string | undefined) {
  let query = db
    .selectFrom('role_grant as g')
    .select('g.id')
    .where('g.revoked_at', 'is', null)
    .where('g.granted_by', 'is', null)
    .where('g.unit_id', 'is not', null);
  if (userId != null) query = query.where('g.user_id', '=', userId);
  return all(
    manager,
    query
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom(grantFollowEvents().as('e'))
            .select(sql`1`.as('one'))
            .where('e.user_id', '=', sql<string>`g.user_id::text`)
            .where('e.unit_id', '=', sql<string>`g.unit_id::text`)
            .whereRef('e.role', '=', 'g.role'),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom(grantFollowEvents().as('e'))
              .innerJoin(reorganisationLinks().as('l'), (join) => join.on(sql<boolean>`l.from_unit_id::text = e.from_unit_id`))
              .select(sql`1`.as('one'))
              .whereRef('l.to_unit_id', '=', 'g.unit_id')
              .where('e.user_id', '=', sql<string>`g.user_id::text`)
              .where('e.unit_id', '=', sql<string>`g.unit_id::text`)
              .whereRef('e.role', '=', 'g.role'),
          ),
        ),
      )
      .forUpdate('g'),
  );
}
