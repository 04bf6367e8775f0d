import { sql } from 'kysely';
import { householdCountsForRollups } from '@cdtg/assists';
import { all, Executor, first } from '@cdtg/database';
import { adminUnitsForRollups, geographyVersionForRollups, reorganisationLinksForRollups } from '@cdtg/geography';
import { db } from './db';
import { MapLink, MapUnit } from './geography-map';
import { HouseholdCount } from './household-trees';

/** The version of the administrative tree: a counter bumped by a trigger on every statement that changes units, links or household counts. */
export async function treeVersion(on: Executor): Promise<string> {
  return (await first(on, geographyVersionForRollups()))!.version;
}

/** Every unit, link and household count: the administrative tree the maps are made of (read through the owners' ports). */
export async function treeRows(on: Executor): Promise<{ units: MapUnit[]; links: MapLink[]; counts: HouseholdCount[] }> {
  const [units, links, counts] = await Promise.all([
    all(
      on,
      db
        .selectFrom(adminUnitsForRollups().as('u'))
        .select((eb) => [
          'u.id',
          'u.code',
          'u.parent_id as parentId',
          'u.kind',
          sql<string | null>`${eb.ref('u.valid_from')}::text`.as('validFrom'),
          sql<string | null>`${eb.ref('u.valid_to')}::text`.as('validTo'),
        ]),
    ),
    all(
      on,
      db
        .selectFrom(reorganisationLinksForRollups().as('l'))
        .select((eb) => ['l.from_unit_id as fromId', 'l.to_unit_id as toId', sql<number>`${eb.ref('l.fraction')}::float8`.as('fraction')])
        .where('l.to_unit_id', 'is not', null)
        .$narrowType<{ toId: string }>(),
    ),
    all(
      on,
      db
        .selectFrom(householdCountsForRollups().as('c'))
        .select((eb) => ['c.unit_id as unitId', sql<string>`${eb.ref('c.as_of')}::text`.as('asOf'), 'c.households']),
    ),
  ]);
  return { units, links, counts };
}
