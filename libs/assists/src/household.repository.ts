import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { affected, all, anyOf, Executor, first } from '@cdtg/database';
import { unitLabels } from '@cdtg/geography';
import { db } from './db';

/** A new household and its first key (keyring). */
export interface NewHousehold {
  id: string;
  hash: string;
  kind: string;
  label: string;
  unit: string;
  place: string | null;
}

/**
 * Every SQL statement about households and their keys (the keyring, the start-up re-keying). Batches travel as one
 * jsonb parameter (jsonb_to_recordset), however many rows they hold; keys are inserted in hash order, so two
 * transactions writing the same keys wait for each other instead of deadlocking.
 */
@Injectable()
export class HouseholdRepository {
  /** Household id by key hash, for the hashes that are stored. */
  keys(on: Executor, hashes: string[]): Promise<{ hash: string; household_id: string }[]> {
    return all(on, db.selectFrom('household_key').select(['hash', 'household_id']).where('hash', '=', anyOf(hashes, 'text')));
  }

  /**
   * Inserts each new household's key, and the household only where its key was inserted by this statement (the key's
   * primary key settles races between concurrent batches).
   */
  async insertNew(on: Executor, households: NewHousehold[], keyVersion: number): Promise<void> {
    const fresh = sql<NewHousehold>`jsonb_to_recordset(${JSON.stringify(households)}::jsonb)`.as<'x'>(
      sql`x(id uuid, hash text, kind text, label text, unit uuid, place uuid)`,
    );
    await all(
      on,
      db
        .with('fresh', (qc) => qc.selectFrom(fresh).selectAll('x'))
        .with('keys', (qc) =>
          qc
            .insertInto('household_key')
            .columns(['hash', 'household_id', 'key_version'])
            .expression(
              qc
                .selectFrom('fresh')
                .select((eb) => ['fresh.hash', 'fresh.id', eb.val(keyVersion).as('key_version')])
                .orderBy('fresh.hash'),
            )
            .onConflict((oc) => oc.column('hash').doNothing())
            .returning('household_id'),
        )
        .insertInto('household')
        .columns(['id', 'kind', 'masked_label', 'first_unit_id', 'place_id'])
        .expression((eb) =>
          eb
            .selectFrom('fresh')
            .select(['fresh.id', 'fresh.kind', 'fresh.label', 'fresh.unit', 'fresh.place'])
            .where('fresh.id', 'in', eb.selectFrom('keys').select('keys.household_id')),
        ),
    );
  }

  /** Adds keys (hash → household) that are not stored yet, in hash order. */
  async addKeys(on: Executor, keys: { hash: string; id: string; version: number }[]): Promise<void> {
    const given = sql<{ hash: string; id: string; version: number }>`jsonb_to_recordset(${JSON.stringify(keys)}::jsonb)`.as<'x'>(
      sql`x(hash text, id uuid, version int)`,
    );
    await all(
      on,
      db
        .insertInto('household_key')
        .columns(['hash', 'household_id', 'key_version'])
        .expression(db.selectFrom(given).select(['x.hash', 'x.id', 'x.version']).orderBy('x.hash'))
        .onConflict((oc) => oc.column('hash').doNothing()),
    );
  }

  /** The place of a household (null for one known by its code), or undefined when there is no such household. */
  placeOf(on: Executor, householdId: string): Promise<{ place_id: string | null } | undefined> {
    return first(on, db.selectFrom('household').select('place_id').where('id', '=', householdId));
  }

  /** Whether any household identified by address still has no place. */
  async unplacedExist(on: Executor): Promise<boolean> {
    return !!(await first(
      on,
      db
        .selectFrom('household')
        .select(sql<number>`1`.as('one'))
        .where('kind', '=', 'address')
        .where('place_id', 'is', null)
        .limit(1),
    ));
  }

  /** The next `limit` households identified by address without a place, locked. */
  lockUnplaced(on: Executor, limit: number): Promise<{ id: string; masked_label: string; first_unit_id: string }[]> {
    return all(
      on,
      db
        .selectFrom('household')
        .select(['id', 'masked_label', 'first_unit_id'])
        .where('kind', '=', 'address')
        .where('place_id', 'is', null)
        .orderBy('id')
        .limit(limit)
        .forUpdate(),
    );
  }

  /** Each unit the households' entries lie in, with its name and when the household was first seen there, earliest first. */
  entryUnits(on: Executor, householdIds: string[]): Promise<{ household_id: string; unit_id: string; first: Date; name: string; type_word: string }[]> {
    return all(
      on,
      db
        .selectFrom('assist_entry as e')
        .innerJoin(unitLabels().as('u'), 'u.id', 'e.unit_id')
        .select((eb) => ['e.household_id', 'e.unit_id', eb.fn.min('e.occurred_at').as('first'), 'u.name', 'u.type_word'])
        .where('e.household_id', '=', anyOf(householdIds, 'uuid'))
        .groupBy(['e.household_id', 'e.unit_id', 'u.name', 'u.type_word'])
        .orderBy('first'),
    );
  }

  /** Every key of the households. */
  keysOf(on: Executor, householdIds: string[]): Promise<{ hash: string; household_id: string }[]> {
    return all(on, db.selectFrom('household_key').select(['hash', 'household_id']).where('household_id', '=', anyOf(householdIds, 'uuid')));
  }

  /** A household identified by address, split off another one for a place. */
  async insertPlaced(on: Executor, household: { id: string; label: string; firstUnitId: string; place: string }): Promise<void> {
    await all(
      on,
      db
        .insertInto('household')
        .values({ id: household.id, kind: 'address', masked_label: household.label, first_unit_id: household.firstUnitId, place_id: household.place }),
    );
  }

  /** Moves the household's entries in `unitIds` to another household. */
  async moveEntries(on: Executor, from: string, to: string, unitIds: string[]): Promise<void> {
    await affected(on, db.updateTable('assist_entry').set({ household_id: to }).where('household_id', '=', from).where('unit_id', '=', anyOf(unitIds, 'uuid')));
  }

  async deleteKeys(on: Executor, hashes: string[]): Promise<void> {
    await affected(on, db.deleteFrom('household_key').where('hash', '=', anyOf(hashes, 'text')));
  }

  /** Sets each household's place. */
  async setPlaces(on: Executor, places: { id: string; place: string }[]): Promise<void> {
    const given = sql<{ id: string; place: string }>`jsonb_to_recordset(${JSON.stringify(places)}::jsonb)`.as<'x'>(sql`x(id uuid, place uuid)`);
    await affected(
      on,
      db
        .updateTable('household as h')
        .from(given)
        .set((eb) => ({ place_id: eb.ref('x.place') }))
        .whereRef('h.id', '=', 'x.id'),
    );
  }

  /** A session-level advisory lock (held on the connection `on`, until unlocked). */
  async lock(on: Executor, key: number): Promise<void> {
    await all(on, sql`SELECT pg_advisory_lock(${key})`);
  }

  async unlock(on: Executor, key: number): Promise<void> {
    await all(on, sql`SELECT pg_advisory_unlock(${key})`);
  }
}
