import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService, DataScope } from '@cdtg/access';
import { AuditActor, AuditService } from '@cdtg/audit';
import { DomainError, Reason } from '@cdtg/errors';
import { GeographyService, ImportReport, placeImportRows, rowProblem } from '@cdtg/geography';
import { CsvFormatError, readCsv } from '@cdtg/text';
import { parseVietnameseDate, requireIsoDate } from '@cdtg/time';
import { HouseholdCountRepository } from './household-count.repository';

const UNIT_KINDS = ['residential_group', 'commune', 'special_zone'];
const MAX_HOUSEHOLDS = 1_000_000;
const COLUMNS = ['unit_code', 'as_of', 'households'];

export interface HouseholdCountRow {
  unitId: string;
  asOf: string;
  households: number;
  updatedBy: string;
  updatedAt: Date;
}

/**
 * Households per residential group or commune, with the day each figure refers to: the denominator of coverage.
 * Set one by one or imported from CSV (unit_code,as_of,households); every change is audited.
 */
@Injectable()
export class HouseholdCountService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly geography: GeographyService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly counts: HouseholdCountRepository,
  ) {}

  async set(actor: AuditActor, unitId: string, asOf: string, households: number): Promise<HouseholdCountRow> {
    const unit = await this.geography.unitById(unitId);
    if (!UNIT_KINDS.includes(unit.kind)) throw DomainError.invalid('input.unitId', Reason.UnitWrongKind, { kinds: UNIT_KINDS });
    requireIsoDate(asOf, 'input.asOf');
    if (!Number.isInteger(households)) throw DomainError.invalid('input.households', Reason.NotWholeNumber);
    if (households < 0 || households > MAX_HOUSEHOLDS) throw DomainError.invalid('input.households', Reason.OutOfRange, { min: 0, max: MAX_HOUSEHOLDS });
    await this.dataSource.transaction((manager) => this.write(manager, actor, 'household-count.set', [{ unitId, asOf, households }]));
    const row = (await this.counts.written(this.dataSource, unitId, asOf))!;
    return { unitId, asOf, households, updatedBy: row.updated_by, updatedAt: row.updated_at };
  }

  /** Imports counts; rows naming a unit outside `scope`, unknown or malformed are reported and skipped. */
  async import(actor: AuditActor, scope: DataScope, csv: string): Promise<ImportReport> {
    let table;
    try {
      table = readCsv(csv, { maxRows: 100_000 });
    } catch (error) {
      if (error instanceof CsvFormatError) throw DomainError.invalid('input.csv', error.reason, error.params);
      throw error;
    }
    const missing = COLUMNS.filter((c) => !table.header.includes(c));
    if (missing.length) throw DomainError.invalid('input.csv', Reason.CsvMissingColumns, { columns: missing, expected: COLUMNS });
    const report: ImportReport = { created: 0, updated: 0, unchanged: 0, errors: [] };
    const wellFormed: { line: number; code: string; asOf: string; households: number }[] = [];
    for (const { line, values } of table.rows) {
      const households = /^\d{1,7}$/.test(values.households) ? Number(values.households) : NaN;
      // Dates as a Vietnamese spreadsheet saves them (15/03/2025 is day/month/year, or 2025-03-15); every problem of the row is reported.
      const asOf = parseVietnameseDate(values.as_of);
      if (!asOf) report.errors.push(rowProblem(line, 'as_of', Reason.CsvBadDate));
      if (!(households <= MAX_HOUSEHOLDS)) report.errors.push(rowProblem(line, 'households', Reason.OutOfRange, { min: 0, max: MAX_HOUSEHOLDS }));
      if (asOf && households <= MAX_HOUSEHOLDS) wellFormed.push({ line, code: values.unit_code, asOf, households });
    }
    await this.dataSource.transaction(async (manager) => {
      const units = await this.counts.unitsValidOn(
        manager,
        wellFormed.map((r) => ({ code: r.code, day: r.asOf })),
      );
      const unitOf = new Map(units.map((u) => [u.i - 1, u]));
      const latest = await placeImportRows(wellFormed, report.errors, {
        unitOf: (i) => unitOf.get(i),
        kinds: UNIT_KINDS,
        dayOf: (row) => row.asOf,
        inScope: (unitIds) =>
          this.access.inScope(
            scope,
            unitIds.map((unitId) => ({ unitId })),
          ),
        keyOf: (row) => `${row.unitId}:${row.asOf}`, // the same unit and day twice: the last line wins
      });
      const written = await this.write(manager, actor, 'household-count.import', latest);
      report.created = written.filter((w) => w.before === null).length;
      report.updated = written.length - report.created;
      report.unchanged = latest.length - written.length;
    });
    report.errors.sort((a, b) => a.line - b.line);
    return report;
  }

  /** The latest figure (as of `asOf`) of every unit with one in the subtree of `unitCode`, within `access`. */
  async list(access: DataScope, unitCode: string, asOf?: string | null): Promise<HouseholdCountRow[]> {
    const unit = await this.geography.unitByCode(unitCode, asOf);
    const day = this.geography.asOf(asOf);
    const rows = await this.counts.latest(this.dataSource, access, { pathPrefix: `${unit.path}%`, asOf: day });
    return rows.map((r) => ({ unitId: r.unit_id, asOf: r.as_of, households: r.households, updatedBy: r.updated_by, updatedAt: r.updated_at }));
  }

  /** Upserts counts in one statement; rows whose figure is unchanged are left alone. Audits every change. */
  private async write(manager: EntityManager, actor: AuditActor, operation: string, rows: { unitId: string; asOf: string; households: number }[]) {
    if (!rows.length) return [];
    const written = await this.counts.upsert(manager, actor.label, rows);
    await this.audit.record(
      manager,
      actor,
      written.map((w) => ({
        operation,
        objectType: 'household_count',
        objectId: `${w.unit_id}:${w.as_of}`,
        before: w.before === null ? null : { households: w.before },
        after: { households: w.households },
        unitId: w.unit_id,
      })),
    );
    return written;
  }
}
