import { EntityManager } from 'typeorm';
import { sql } from 'kysely';
import { affected, all, anyOf, Executor, first, hydrate } from '@cdtg/database';
import { AdminUnit } from './admin-unit.entity';
import { validOn } from './unit-sql';
import { db } from './db';
import { ReorganisationKind, ShareKind } from './reorganisation.entity';

/** The statements of the geography import (units and reorganisations from CSV, and back out). */

/** The unit with this code valid on a date, if any. */
export async function unitValidAt(manager: EntityManager, code: string, date: string): Promise<AdminUnit | null> {
  const row = await first(manager, db.selectFrom('admin_unit as u').selectAll('u').where('u.code', '=', code).where(validOn('u', date)));
  return row ? hydrate(manager.connection, AdminUnit, row) : null;
}

/** The stored links, with their event's date, out of some old units to a successor. */
export function linksFrom(on: Executor, unitIds: string[]) {
  return all(
    on,
    db
      .selectFrom('reorganisation_link as l')
      .innerJoin('reorganisation as r', 'r.id', 'l.reorganisation_id')
      .select([
        'l.id',
        'l.reorganisation_id',
        'l.from_unit_id',
        'l.to_unit_id',
        'l.share',
        sql<string>`l.fraction::text`.as('fraction'),
        'l.fraction_estimated',
        sql<string>`r.effective_date::text`.as('date'),
      ])
      .where('l.from_unit_id', '=', anyOf(unitIds, 'uuid'))
      .where('l.to_unit_id', 'is not', null)
      .$narrowType<{ to_unit_id: string; share: ShareKind }>(),
  );
}

export function deleteLink(on: Executor, id: string): Promise<number> {
  return affected(on, db.deleteFrom('reorganisation_link').where('id', '=', id));
}

export function updateLinkShare(on: Executor, id: string, share: ShareKind, fraction: string, estimated: boolean): Promise<number> {
  return affected(on, db.updateTable('reorganisation_link').set({ share, fraction, fraction_estimated: estimated }).where('id', '=', id));
}

/** Districts that end on `lastDay` and are the old unit of no link. */
export function districtsEndingWithoutSuccessor(on: Executor, lastDay: string) {
  return all(
    on,
    db
      .selectFrom('admin_unit as u')
      .select('u.id')
      .where('u.kind', '=', 'district')
      .where('u.valid_to', '=', sql<string>`${lastDay}::date`)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('reorganisation_link as l')
              .select(sql`1`.as('one'))
              .whereRef('l.from_unit_id', '=', 'u.id'),
          ),
        ),
      ),
  );
}

/** Every unit as a CSV row of the units file, parents first. */
export function unitsForExport(on: Executor) {
  return all(
    on,
    db
      .selectFrom('admin_unit as u')
      .leftJoin('admin_unit as p', 'p.id', 'u.parent_id')
      .select([
        'u.code',
        'u.name',
        'u.kind',
        'u.type_word',
        'p.code as parent_code',
        sql<string | null>`u.valid_from::text`.as('valid_from'),
        sql<string | null>`u.valid_to::text`.as('valid_to'),
      ])
      .orderBy('u.depth')
      .orderBy(sql`COALESCE(u.valid_from, '-infinity'::date)`)
      .orderBy('u.code'),
  );
}

/** Every link as a CSV row of the reorganisations file, by date. */
export function linksForExport(on: Executor) {
  return all(
    on,
    db
      .selectFrom('reorganisation_link as l')
      .innerJoin('reorganisation as r', 'r.id', 'l.reorganisation_id')
      .innerJoin('admin_unit as f', 'f.id', 'l.from_unit_id')
      .leftJoin('admin_unit as t', 't.id', 'l.to_unit_id')
      .select([
        sql<string>`r.effective_date::text`.as('effective_date'),
        'f.code as old_code',
        'f.name as old_name',
        't.code as new_code',
        't.name as new_name',
        'l.share',
        sql<string>`l.fraction::text`.as('fraction'),
        'r.kind',
      ])
      .orderBy('r.effective_date')
      .orderBy('f.code')
      .orderBy('t.code'),
  );
}

/** The links of some events, with the event's date and kind. */
export function linksOfEvents(on: Executor, reorganisationIds: string[]) {
  return all(
    on,
    db
      .selectFrom('reorganisation_link as l')
      .innerJoin('reorganisation as r', 'r.id', 'l.reorganisation_id')
      .select(['l.id', 'l.reorganisation_id', 'l.from_unit_id', 'l.to_unit_id', 'l.share', sql<string>`r.effective_date::text`.as('date'), 'r.kind'])
      .where('l.reorganisation_id', '=', anyOf(reorganisationIds, 'uuid'))
      .$narrowType<{ share: ShareKind; kind: ReorganisationKind }>(),
  );
}

/**
 * The earliest other event a link belongs in on its date: a partial link in the split of its old unit, a full link in
 * the merge, rename or re-parent into its new unit.
 */
export async function homeEventOf(on: Executor, link: { id: string; share: ShareKind; date: string; from_unit_id: string; to_unit_id: string | null }) {
  const partial = link.share === ShareKind.Partial;
  let query = db
    .selectFrom('reorganisation as r')
    .innerJoin('reorganisation_link as l', 'l.reorganisation_id', 'r.id')
    .select('r.id')
    .where('r.effective_date', '=', sql<string>`${link.date}::date`);
  query = partial
    ? query.where('r.kind', '=', 'split').where('l.from_unit_id', '=', link.from_unit_id)
    : query.where('r.kind', 'in', ['merge', 'rename', 'reparent']).where('l.to_unit_id', '=', link.to_unit_id);
  return first(on, query.where('l.id', '<>', link.id).orderBy('r.created_at').limit(1));
}

export function moveLink(on: Executor, linkId: string, reorganisationId: string): Promise<number> {
  return affected(on, db.updateTable('reorganisation_link').set({ reorganisation_id: reorganisationId }).where('id', '=', linkId));
}

/** A new event of `kind` on the date and decision of an existing one. */
export async function copyEvent(on: Executor, reorganisationId: string, kind: ReorganisationKind): Promise<{ id: string }> {
  const [copy] = await all(
    on,
    db
      .insertInto('reorganisation')
      .columns(['effective_date', 'kind', 'decision'])
      .expression(
        db
          .selectFrom('reorganisation')
          .select(['effective_date', sql<string>`${kind}`.as('kind'), 'decision'])
          .where('id', '=', reorganisationId),
      )
      .returning('id'),
  );
  return copy;
}

/** Drops the events among these that have no link left. */
export function deleteEmptyEvents(on: Executor, reorganisationIds: string[]): Promise<number> {
  return affected(
    on,
    db
      .deleteFrom('reorganisation as r')
      .where('r.id', '=', anyOf(reorganisationIds, 'uuid'))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('reorganisation_link as l')
              .select(sql`1`.as('one'))
              .whereRef('l.reorganisation_id', '=', 'r.id'),
          ),
        ),
      ),
  );
}

/** Full-share events: a merge with several sources, otherwise a rename (new name) or a re-parent. */
export function reclassifyEvents(on: Executor, reorganisationIds: string[]): Promise<number> {
  return affected(
    on,
    db
      .updateTable('reorganisation as r')
      .from(
        db
          .selectFrom('reorganisation_link as l')
          .innerJoin('admin_unit as f', 'f.id', 'l.from_unit_id')
          .innerJoin('admin_unit as t', 't.id', 'l.to_unit_id')
          .select(['l.reorganisation_id', sql<string>`count(*)`.as('n'), sql<boolean>`bool_or(f.name <> t.name)`.as('renamed')])
          .where('l.reorganisation_id', '=', anyOf(reorganisationIds, 'uuid'))
          .groupBy('l.reorganisation_id')
          .as('x'),
      )
      .set({ kind: sql<string>`CASE WHEN x.n > 1 THEN 'merge' WHEN x.renamed THEN 'rename' ELSE 'reparent' END` })
      .whereRef('r.id', '=', 'x.reorganisation_id')
      .where('r.kind', 'in', ['merge', 'rename', 'reparent']),
  );
}
