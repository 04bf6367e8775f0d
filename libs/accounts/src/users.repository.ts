import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { DataScope, scopeFilter } from '@cdtg/access';
import { all, Executor, hydrate, keysetPageOf, Page, PageRequest } from '@cdtg/database';
import { groupUnits } from '@cdtg/directory';
import { escapeLike, foldVietnamese } from '@cdtg/text';
import { db } from './db';
import { AccountStatus, UserAccount } from './user-account.entity';

/** The statements about accounts as a whole: the managed list, the member an account is. */

/** Accounts holding an active grant inside `access` (everyone for an actor who sees everything), by name. */
export function listUsers(
  dataSource: DataSource,
  access: DataScope,
  filter: { search?: string | null; status?: AccountStatus | null },
  page: PageRequest,
): Promise<Page<UserAccount>> {
  let query = db.selectFrom('user_account as u').selectAll('u');
  // A grant lies where its unit is, or its group's unit.
  const inScope = scopeFilter(access, { unit: 'x.unit_id', group: 'x.group_id' });
  if (inScope) {
    const grants = db
      .selectFrom('role_grant as rg')
      .leftJoin(groupUnits().as('vg'), 'vg.id', 'rg.group_id')
      .select(['rg.user_id', 'rg.group_id', sql<string | null>`COALESCE(rg.unit_id, vg.unit_id)`.as('unit_id')])
      .where('rg.revoked_at', 'is', null);
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom(grants.as('x'))
          .select(sql`1`.as('one'))
          .whereRef('x.user_id', '=', 'u.id')
          .where(inScope),
      ),
    );
  }
  if (filter.status) query = query.where('u.status', '=', filter.status);
  if (filter.search) query = query.where('u.name_search', 'like', `%${escapeLike(foldVietnamese(filter.search))}%`);
  return keysetPageOf(dataSource, query, { key: sql<string>`u.name_search`, id: 'u.id' }, page, (r) => hydrate(dataSource, UserAccount, r));
}

/** Another account bound to this member, if any. */
export async function accountOfMember(on: Executor, memberId: string, exceptUserId: string | null): Promise<{ id: string } | undefined> {
  const [row] = await all(
    on,
    db
      .selectFrom('user_account')
      .select('id')
      .where('member_id', '=', memberId)
      .where('id', 'is distinct from', sql<string | null>`${exceptUserId}::uuid`),
  );
  return row;
}
