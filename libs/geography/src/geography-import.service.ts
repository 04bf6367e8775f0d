import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '@cdtg/audit';
import { DomainError, Reason } from '@cdtg/errors';
import { CsvFormatError, readCsv, tidyName, writeCsv } from '@cdtg/text';
import { addDays, isIsoDate, periodCovers, periodsOverlap } from '@cdtg/time';
import { AdminUnit, UnitKind } from './admin-unit.entity';
import { emptyReport, ImportReport, RowProblem, rowProblem } from './import-report';
import { Reorganisation, ReorganisationKind, ReorganisationLink, ShareKind } from './reorganisation.entity';
import {
  copyEvent,
  deleteEmptyEvents,
  deleteLink,
  districtsEndingWithoutSuccessor,
  homeEventOf,
  linksForExport,
  linksFrom,
  linksOfEvents,
  moveLink,
  reclassifyEvents,
  unitsForExport,
  unitValidAt,
  updateLinkShare,
} from './reorganisation.repository';

const UNIT_COLUMNS = ['code', 'name', 'kind', 'type', 'parent_code', 'valid_from', 'valid_to'];
const REFORM_COLUMNS = ['effective_date', 'old_code', 'old_name', 'new_code', 'new_name', 'share'];
const KINDS = new Set<string>(Object.values(UnitKind));

interface UnitRow {
  line: number;
  code: string;
  name: string;
  kind: UnitKind;
  typeWord: string;
  parentCode: string | null;
  from: string | null;
  to: string | null;
}

/** Reads, validates and applies CSV files of units and reorganisations; writes them back out. */
@Injectable()
export class GeographyImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Units: code,name,kind,type,parent_code,valid_from,valid_to (dates inclusive, empty = unbounded).
   * Rows may come in any order. Errors per row: a bad field, an unknown parent (none with that code valid over the
   * whole period), a cycle, a code used twice in overlapping periods (in the file or against stored units).
   * Re-importing the same file changes nothing.
   */
  async importUnits(csv: string | Buffer, actor: AuditActor): Promise<ImportReport> {
    const table = this.read(csv, UNIT_COLUMNS);
    const report = emptyReport();
    const rows: UnitRow[] = [];
    for (const { line, values: v } of table.rows) {
      const problems = this.checkUnitRow(line, v);
      if (problems.length) report.errors.push(...problems);
      else
        rows.push({
          line,
          code: v.code,
          name: tidyName(v.name),
          kind: v.kind as UnitKind,
          typeWord: tidyName(v.type),
          parentCode: v.parent_code || null,
          from: v.valid_from || null,
          to: v.valid_to || null,
        });
    }

    await this.dataSource.transaction(async (manager) => {
      const stored = await manager.getRepository(AdminUnit).find();
      const bad = new Set<UnitRow>();
      // A code used twice inside one period, in the file.
      const byCode = groupBy(rows, (r) => r.code);
      for (const list of byCode.values()) {
        for (let i = 0; i < list.length; i++)
          for (let j = i + 1; j < list.length; j++)
            if (periodsOverlap(period(list[i]), period(list[j]))) {
              report.errors.push(rowProblem(list[j].line, 'code', Reason.CodeUsedInFile, { code: list[j].code, line: list[i].line }));
              bad.add(list[j]);
            }
      }
      // Resolve parents: among the file's rows first, then the stored units; a parent must cover the child's period.
      const parentOf = new Map<UnitRow, UnitRow | AdminUnit>();
      for (const row of rows) {
        if (bad.has(row) || !row.parentCode) continue;
        const inFile = (byCode.get(row.parentCode) ?? []).find((p) => !bad.has(p) && periodCovers(period(p), period(row)));
        const inDb = stored.find((u) => u.code === row.parentCode && periodCovers({ from: u.validFrom, to: u.validTo }, period(row)));
        const parent = inFile ?? inDb;
        if (!parent) {
          report.errors.push(rowProblem(row.line, 'parent_code', Reason.UnknownParent, { code: row.parentCode, ...span(period(row)) }));
          bad.add(row);
        } else parentOf.set(row, parent);
      }
      // Cycles: following parents inside the file must end outside it or at a root.
      for (const row of rows) {
        if (bad.has(row)) continue;
        const seen = new Set<UnitRow>([row]);
        let cursor = parentOf.get(row);
        while (cursor && !(cursor instanceof AdminUnit)) {
          if (seen.has(cursor)) {
            report.errors.push(rowProblem(row.line, 'parent_code', Reason.ParentCycle, { code: row.code }));
            bad.add(row);
            break;
          }
          seen.add(cursor);
          cursor = parentOf.get(cursor);
        }
      }
      // Apply in parent-first order; a row whose parent row failed fails too.
      const done = new Map<UnitRow, AdminUnit>();
      const pending = rows.filter((r) => !bad.has(r));
      let progress = true;
      while (pending.length && progress) {
        progress = false;
        for (let i = 0; i < pending.length; i++) {
          const row = pending[i];
          const parent = parentOf.get(row);
          if (parent && !(parent instanceof AdminUnit)) {
            if (bad.has(parent)) {
              report.errors.push(rowProblem(row.line, 'parent_code', Reason.ParentRowFailed, { line: parent.line }));
              bad.add(row);
              pending.splice(i--, 1);
              progress = true;
              continue;
            }
            if (!done.has(parent)) continue;
          }
          const parentUnit = parent instanceof AdminUnit ? parent : parent ? done.get(parent)! : null;
          const outcome = await this.applyUnit(manager, row, parentUnit, stored, actor);
          if ('error' in outcome) {
            report.errors.push(outcome.error);
            bad.add(row);
          } else {
            report[outcome.result]++;
            done.set(row, outcome.unit);
          }
          pending.splice(i--, 1);
          progress = true;
        }
      }
    });
    report.errors.sort((a, b) => a.line - b.line);
    return report;
  }

  private async applyUnit(
    manager: EntityManager,
    row: UnitRow,
    parent: AdminUnit | null,
    stored: AdminUnit[],
    actor: AuditActor,
  ): Promise<{ result: 'created' | 'updated' | 'unchanged'; unit: AdminUnit } | { error: RowProblem }> {
    const same = stored.find((u) => u.code === row.code && u.validFrom === row.from);
    const others = stored.filter((u) => u.code === row.code && u !== same && periodsOverlap({ from: u.validFrom, to: u.validTo }, period(row)));
    if (others.length) {
      const [other] = others;
      return {
        error: rowProblem(row.line, 'valid_from', Reason.CodeUsedByUnit, {
          code: row.code,
          name: other.name,
          ...span({ from: other.validFrom, to: other.validTo }),
        }),
      };
    }
    if (same) {
      if (same.parentId !== (parent?.id ?? null)) {
        return { error: rowProblem(row.line, 'parent_code', Reason.ParentChanged, { code: row.code, ...span({ from: row.from, to: null }) }) };
      }
      const changes = { name: row.name, typeWord: row.typeWord, kind: row.kind, validTo: row.to };
      if (same.name === changes.name && same.typeWord === changes.typeWord && same.kind === changes.kind && same.validTo === changes.validTo) {
        return { result: 'unchanged', unit: same };
      }
      const before = { ...same };
      await manager.update(AdminUnit, same.id, changes);
      Object.assign(same, changes);
      await this.audit.record(manager, actor, { operation: 'unit.update', objectType: 'admin_unit', objectId: same.id, before, after: { ...same } });
      return { result: 'updated', unit: same };
    }
    const unit = await insertUnit(
      manager,
      { code: row.code, name: row.name, typeWord: row.typeWord, kind: row.kind, validFrom: row.from, validTo: row.to },
      parent,
    );
    stored.push(unit);
    await this.audit.record(manager, actor, { operation: 'unit.create', objectType: 'admin_unit', objectId: unit.id, after: { ...unit } });
    return { result: 'created', unit };
  }

  private checkUnitRow(line: number, v: Record<string, string>): RowProblem[] {
    const problems: RowProblem[] = [];
    if (!/^[0-9A-Za-z._-]{1,30}$/.test(v.code)) problems.push(rowProblem(line, 'code', Reason.BadUnitCode));
    if (!v.name || v.name.length > 200) problems.push(rowProblem(line, 'name', Reason.Length, { min: 1, max: 200 }));
    if (!KINDS.has(v.kind)) problems.push(rowProblem(line, 'kind', Reason.NotInList, { allowed: [...KINDS] }));
    // The type word, e.g. Phường.
    if (!v.type || v.type.length > 50) problems.push(rowProblem(line, 'type', Reason.Length, { min: 1, max: 50 }));
    for (const f of ['valid_from', 'valid_to']) if (v[f] && !isIsoDate(v[f])) problems.push(rowProblem(line, f, Reason.BadDate));
    if (v.valid_from && v.valid_to && isIsoDate(v.valid_from) && isIsoDate(v.valid_to) && v.valid_from > v.valid_to)
      problems.push(rowProblem(line, 'valid_to', Reason.TooEarly, { date: v.valid_from }));
    if (v.parent_code && v.parent_code === v.code) problems.push(rowProblem(line, 'parent_code', Reason.ParentCycle, { code: v.code }));
    return problems;
  }

  /**
   * Reorganisations: effective_date,old_code,old_name,new_code,new_name,share (full|partial), as in the 2025 reform
   * file. Old units are the ones valid the day before, new ones those valid on the day. An old unit split across several
   * new ones (share partial) gets equal estimated fractions unless a `fraction` column gives them. Events: a split per
   * split old unit; per new unit a merge (several sources), a rename (one source, new name) or a re-parent. Districts
   * that end the day before without successor are recorded as abolished.
   *
   * The file is the statement of record for each old unit it names on each date: a re-import makes the stored links of
   * that old unit on that date equal to the file's (a corrected share or fraction is updated, a link the file no longer
   * has is removed, each audited as a correction), so a corrected reference file converges an existing database.
   * Re-importing the same file changes nothing. Old units the file does not name are left as they are.
   */
  async importReorganisations(csv: string | Buffer, actor: AuditActor, decision: string | null = null): Promise<ImportReport> {
    const table = this.read(csv, REFORM_COLUMNS);
    const report = emptyReport();
    await this.dataSource.transaction(async (manager) => {
      const links: FileLink[] = [];
      for (const { line, values: v } of table.rows) {
        const problems: RowProblem[] = [];
        if (!isIsoDate(v.effective_date)) problems.push(rowProblem(line, 'effective_date', Reason.BadDate));
        if (v.share !== 'full' && v.share !== 'partial') problems.push(rowProblem(line, 'share', Reason.NotInList, { allowed: ['full', 'partial'] }));
        const fraction = v.fraction ? Number(v.fraction) : null;
        if (fraction !== null && !(fraction > 0 && fraction <= 1)) problems.push(rowProblem(line, 'fraction', Reason.NotAFraction));
        if (problems.length) {
          report.errors.push(...problems);
          continue;
        }
        const before = addDays(v.effective_date, -1);
        const from = await unitValidAt(manager, v.old_code, before);
        const to = await unitValidAt(manager, v.new_code, v.effective_date);
        if (!from) problems.push(rowProblem(line, 'old_code', Reason.UnitNotInForce, { code: v.old_code, day: before }));
        else if (v.old_name && tidyName(v.old_name) !== from.name)
          problems.push(rowProblem(line, 'old_name', Reason.UnitNameDiffers, { code: v.old_code, day: before, name: from.name }));
        if (!to) problems.push(rowProblem(line, 'new_code', Reason.UnitNotInForce, { code: v.new_code, day: v.effective_date }));
        else if (v.new_name && tidyName(v.new_name) !== to.name)
          problems.push(rowProblem(line, 'new_name', Reason.UnitNameDiffers, { code: v.new_code, day: v.effective_date, name: to.name }));
        if (problems.length) report.errors.push(...problems);
        else links.push({ line, date: v.effective_date, from: from!, to: to!, share: v.share as ShareKind, fraction });
      }

      // What the file states, per old unit and date: each successor with its share and fraction.
      const stated = new Map<string, Map<string, StatedLink>>();
      for (const [key, list] of groupBy(links, (l) => `${l.date}|${l.from.id}`)) {
        const partial = list.filter((l) => l.share === ShareKind.Partial);
        const given = partial.reduce((sum, l) => sum + (l.fraction ?? 0), 0);
        const unknown = partial.filter((l) => l.fraction === null).length;
        stated.set(
          key,
          new Map(
            list.map((l) => {
              const fraction = l.share === ShareKind.Full ? 1 : (l.fraction ?? Math.max(0, 1 - given) / unknown);
              return [l.to.id, { ...l, fraction: fraction.toFixed(5), estimated: l.share === ShareKind.Partial && l.fraction === null }];
            }),
          ),
        );
      }

      // What is stored for those old units on those dates.
      const stored = await linksFrom(manager, [...new Set(links.map((l) => l.from.id))]);
      const fresh: StatedLink[] = [];
      const touched = new Set<string>();
      for (const [key, wanted] of stated) {
        const [date, fromId] = key.split('|');
        const have = stored.filter((s) => s.date === date && s.from_unit_id === fromId);
        for (const s of have) {
          const want = wanted.get(s.to_unit_id);
          if (!want) {
            await deleteLink(manager, s.id);
            await this.audit.record(manager, actor, {
              operation: 'reorganisation.correct',
              objectType: 'reorganisation',
              objectId: s.reorganisation_id,
              before: s,
              after: null,
            });
            touched.add(s.reorganisation_id);
            report.updated++;
          } else if (want.share !== s.share || want.fraction !== Number(s.fraction).toFixed(5) || want.estimated !== s.fraction_estimated) {
            await updateLinkShare(manager, s.id, want.share, want.fraction, want.estimated);
            await this.audit.record(manager, actor, {
              operation: 'reorganisation.correct',
              objectType: 'reorganisation',
              objectId: s.reorganisation_id,
              before: s,
              after: { ...s, share: want.share, fraction: want.fraction, fraction_estimated: want.estimated },
            });
            touched.add(s.reorganisation_id);
            report.updated++;
          } else {
            report.unchanged++;
          }
        }
        for (const [toId, want] of wanted) if (!have.some((s) => s.to_unit_id === toId)) fresh.push(want);
      }
      if (touched.size) await regroupEvents(manager, [...touched]);

      // Splits: per old unit with partial shares; the rest grouped per new unit.
      const events: { date: string; kind: ReorganisationKind; links: typeof fresh }[] = [];
      for (const list of groupBy(
        fresh.filter((l) => l.share === ShareKind.Partial),
        (l) => l.from.id,
      ).values())
        events.push({ date: list[0].date, kind: ReorganisationKind.Split, links: list });
      for (const list of groupBy(
        fresh.filter((l) => l.share === ShareKind.Full),
        (l) => `${l.date}|${l.to.id}`,
      ).values()) {
        const kind =
          list.length > 1 ? ReorganisationKind.Merge : list[0].from.name !== list[0].to.name ? ReorganisationKind.Rename : ReorganisationKind.Reparent;
        events.push({ date: list[0].date, kind, links: list });
      }
      for (const event of events) {
        const saved = await manager.getRepository(Reorganisation).save({ effectiveDate: event.date, kind: event.kind, decision });
        const rows = event.links.map((l) => ({
          reorganisationId: saved.id,
          fromUnitId: l.from.id,
          toUnitId: l.to.id,
          share: l.share,
          fraction: l.fraction,
          fractionEstimated: l.estimated,
        }));
        await manager.getRepository(ReorganisationLink).insert(rows);
        await this.audit.record(manager, actor, {
          operation: `reorganisation.${event.kind}`,
          objectType: 'reorganisation',
          objectId: saved.id,
          after: { ...saved, links: rows },
        });
        report.created += rows.length;
      }
      // A level abolished: districts that end the day before a reorganisation date without any successor.
      for (const date of new Set(links.map((l) => l.date))) {
        const orphans = await districtsEndingWithoutSuccessor(manager, addDays(date, -1));
        if (!orphans.length) continue;
        const saved = await manager.getRepository(Reorganisation).save({ effectiveDate: date, kind: ReorganisationKind.Abolish, decision });
        await manager.getRepository(ReorganisationLink).insert(
          orphans.map((o) => ({
            reorganisationId: saved.id,
            fromUnitId: o.id,
            toUnitId: null,
            share: ShareKind.Full,
            fraction: '0',
            fractionEstimated: false,
          })),
        );
        await this.audit.record(manager, actor, {
          operation: 'reorganisation.abolish',
          objectType: 'reorganisation',
          objectId: saved.id,
          after: { ...saved, units: orphans.map((o) => o.id) },
        });
        report.created += orphans.length;
      }
    });
    report.errors.sort((a, b) => a.line - b.line);
    return report;
  }

  async exportUnits(): Promise<string> {
    const rows = await unitsForExport(this.dataSource);
    return writeCsv(
      UNIT_COLUMNS,
      rows.map((r) => [r.code, r.name, r.kind, r.type_word, r.parent_code, r.valid_from, r.valid_to]),
    );
  }

  async exportReorganisations(): Promise<string> {
    const rows = await linksForExport(this.dataSource);
    return writeCsv(
      [...REFORM_COLUMNS, 'fraction', 'kind'],
      rows.map((r) => [r.effective_date, r.old_code, r.old_name, r.new_code, r.new_name, r.share, r.fraction, r.kind]),
    );
  }

  private read(csv: string | Buffer, required: string[]) {
    try {
      const table = readCsv(csv);
      const missing = required.filter((c) => !table.header.includes(c));
      if (missing.length) throw DomainError.invalid('csv', Reason.CsvMissingColumns, { columns: missing, expected: required });
      return table;
    } catch (error) {
      if (error instanceof CsvFormatError) throw DomainError.invalid('csv', Reason.CsvUnreadable);
      throw error;
    }
  }
}

/** Inserts a unit under `parent` (null: a root), computing its path and depth. */
export async function insertUnit(
  manager: EntityManager,
  fields: Pick<AdminUnit, 'code' | 'name' | 'typeWord' | 'kind' | 'validFrom' | 'validTo'> & { synthetic?: boolean },
  parent: AdminUnit | null,
): Promise<AdminUnit> {
  const id = crypto.randomUUID();
  const unit = manager.getRepository(AdminUnit).create({
    ...fields,
    id,
    synthetic: fields.synthetic ?? false,
    parentId: parent?.id ?? null,
    path: `${parent?.path ?? '/'}${id}/`,
    depth: (parent?.depth ?? -1) + 1,
  });
  await manager.getRepository(AdminUnit).insert(unit);
  return unit;
}

interface FileLink {
  line: number;
  date: string;
  from: AdminUnit;
  to: AdminUnit;
  share: ShareKind;
  fraction: number | null;
}
type StatedLink = Omit<FileLink, 'fraction'> & { fraction: string; estimated: boolean };
/**
 * After corrections, each link of the touched events goes where a fresh import would put it: a partial link in the
 * split event of its old unit, a full link in the event of its new unit on that date (merge, rename or re-parent).
 * Events left without links are dropped; the kinds of the events that changed are worked out again.
 */
async function regroupEvents(manager: EntityManager, reorganisationIds: string[]): Promise<void> {
  const links = await linksOfEvents(manager, reorganisationIds);
  const affected = new Set(reorganisationIds);
  for (const link of links) {
    const home = await homeEventOf(manager, link);
    const fits = link.share === ShareKind.Partial ? link.kind === ReorganisationKind.Split : link.kind !== ReorganisationKind.Split;
    if (home && home.id !== link.reorganisation_id) {
      await moveLink(manager, link.id, home.id);
      affected.add(home.id);
    } else if (!fits) {
      const moved = await copyEvent(manager, link.reorganisation_id, link.share === ShareKind.Partial ? ReorganisationKind.Split : ReorganisationKind.Merge);
      await moveLink(manager, link.id, moved.id);
      affected.add(moved.id);
    }
  }
  await deleteEmptyEvents(manager, [...affected]);
  await reclassifyEvents(manager, [...affected]);
}

const period = (r: { from: string | null; to: string | null }) => ({ from: r.from, to: r.to });
/** A period as reason parameters: its bounds, each left out when open (the start of records, still in force). */
const span = (p: { from: string | null; to: string | null }) => ({ ...(p.from ? { from: p.from } : {}), ...(p.to ? { to: p.to } : {}) });

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}
