import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService, DataScope } from '@cdtg/access';
import { AuditActor, AuditService } from '@cdtg/audit';
import { DomainError, Reason } from '@cdtg/errors';
import { AdminUnit, GeographyService, ImportReport, placeImportRows, rowProblem } from '@cdtg/geography';
import { CsvFormatError, foldVietnamese, readCsv } from '@cdtg/text';
import { Clock, parseVietnameseDate, periodsOverlap, requireIsoDate } from '@cdtg/time';
import { bucketStart, Period } from './periods';
import { TargetRepository } from './target.repository';
import {
  GRAIN_PERIOD,
  MAX_COUNT_TARGET,
  TARGET_GRAINS,
  TARGET_MEASURE_KEYS,
  TARGET_UNIT_KINDS,
  targetBucket,
  TargetGrain,
  TargetKind,
  targetMeasure,
} from './targets';

const TARGET_PERIODS = Object.keys(TARGET_GRAINS) as Period[];
const COLUMNS = ['unit_code', 'measure', 'period', 'period_start', 'target'];

/** Vietnamese (and English) headers accepted for the CSV columns, folded (no diacritics, lower case). */
const HEADER_WORDS: Record<string, string[]> = {
  unit_code: ['ma don vi', 'ma_don_vi', 'don vi', 'unit'],
  measure: ['chi so', 'chi_so', 'thuoc do'],
  period: ['ky', 'loai ky'],
  period_start: ['tu ngay', 'ngay bat dau', 'bat dau ky', 'dau ky'],
  target: ['chi tieu', 'chi_tieu'],
  valid_on: ['hieu luc ngay', 'don vi ngay'],
};
const HEADER = new Map(Object.entries(HEADER_WORDS).flatMap(([column, words]) => [column, ...words].map((w) => [foldVietnamese(w), column] as const)));
/** Periods as people write them. */
const PERIOD_WORDS = new Map<string, Period>(
  (
    [
      [Period.Month, ['month', 'thang', 'M']],
      [Period.Quarter, ['quarter', 'quy', 'Q']],
      [Period.Year, ['year', 'nam', 'Y']],
    ] as const
  ).flatMap(([period, words]) => words.map((w) => [foldVietnamese(w), period] as const)),
);

export interface TargetView {
  unitId: string;
  measure: string;
  kind: TargetKind;
  period: Period;
  periodStart: string;
  periodEnd: string;
  value: number;
  updatedBy: string;
  updatedAt: Date | null;
}

export interface SetTarget {
  unitId: string;
  measure: string;
  period: Period;
  /** Any day of the period (its first day is kept). */
  day: string;
  /** The target; null removes it. */
  value: number | null;
}

interface Checked {
  unitId: string;
  measure: string;
  grain: TargetGrain;
  periodStart: string;
  kind: TargetKind;
  value: number;
}

/**
 * Targets (chỉ tiêu) per unit, measure and period, set by the department (and administrators) for units in their
 * scope: one by one or from CSV; every change audited. How they show in coverage answers: targets.ts.
 */
@Injectable()
export class TargetsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly geography: GeographyService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly targets: TargetRepository,
    private readonly clock: Clock,
  ) {}

  /** Sets (or with a null value removes) one target of a unit in scope. */
  async set(actor: AuditActor, scope: DataScope, input: SetTarget): Promise<TargetView> {
    const unit = await this.geography.unitById(input.unitId);
    if (!TARGET_UNIT_KINDS.includes(unit.kind)) throw DomainError.invalid('input.unitId', Reason.UnitWrongKind, { kinds: [...TARGET_UNIT_KINDS] });
    if (!(await this.access.covers(scope, [{ unitId: unit.id }]))) throw DomainError.forbidden();
    const grain = TARGET_GRAINS[input.period];
    if (!grain) throw DomainError.invalid('input.period', Reason.NotInList, { allowed: TARGET_PERIODS.map((p) => p.toUpperCase()) });
    const measure = targetMeasure(input.measure);
    if (!measure) throw DomainError.invalid('input.measure', Reason.NotInList, { allowed: TARGET_MEASURE_KEYS });
    const periodStart = bucketStart(input.period, requireIsoDate(input.day, 'input.periodStart'));
    // A unit's target is for a period it was in force in (some day of it): the other tree's periods get it carried.
    const bucket = targetBucket(grain, periodStart);
    if (!periodsOverlap({ from: unit.validFrom, to: unit.validTo }, { from: bucket.start, to: bucket.end }))
      throw DomainError.invalid('input.unitId', Reason.UnitNotInForce, { day: bucket.start, code: unit.code });
    const key = { unitId: unit.id, measure: measure.key, grain, periodStart };
    if (input.value === null) {
      await this.dataSource.transaction(async (manager) => {
        const removed = await this.targets.remove(manager, key);
        if (removed) await this.recordAudit(manager, actor, 'target.remove', [{ ...key, value: null, before: removed.value }]);
      });
      return this.view({ ...key, kind: measure.kind, value: 0 }, actor.label, null);
    }
    const problem = this.valueProblem(measure.kind, input.value);
    if (problem) throw DomainError.invalid('input.value', problem.reason, problem.params);
    const row: Checked = { ...key, kind: measure.kind, value: input.value };
    await this.dataSource.transaction((manager) => this.write(manager, actor, 'target.set', [row]));
    return this.view(row, actor.label, this.clock.now());
  }

  /**
   * Imports targets from CSV (unit_code, measure, period, period_start, target; optional valid_on; Vietnamese headers
   * and period words accepted). Each bad row is reported with its line and reason and skipped; the good rows are
   * written in one transaction. A unit is the one with the code in force on valid_on (a day of the period), else on the
   * period's last day, else on its first day.
   */
  async import(actor: AuditActor, scope: DataScope, csv: string): Promise<ImportReport> {
    let table;
    try {
      table = readCsv(csv, { maxRows: 50_000 });
    } catch (error) {
      if (error instanceof CsvFormatError) throw DomainError.invalid('input.csv', error.reason, error.params);
      throw error;
    }
    const header = table.header.map((h) => HEADER.get(foldVietnamese(h)) ?? h);
    const missing = COLUMNS.filter((c) => !header.includes(c));
    if (missing.length) throw DomainError.invalid('input.csv', Reason.CsvMissingColumns, { columns: missing, expected: COLUMNS });
    const rename = (values: Record<string, string>) => Object.fromEntries(table.header.map((h, i) => [header[i], values[h] ?? '']));
    const report: ImportReport = { created: 0, updated: 0, unchanged: 0, errors: [] };
    const wellFormed: (Omit<Checked, 'unitId'> & { line: number; code: string; days: string[] })[] = [];
    for (const { line, values: raw } of table.rows) {
      const v = rename(raw);
      const period = PERIOD_WORDS.get(foldVietnamese(v.period));
      const measure = targetMeasure(v.measure.trim().toLowerCase());
      const day = parseVietnameseDate(v.period_start);
      const validOn = v.valid_on ? parseVietnameseDate(v.valid_on) : null;
      const value = /^\d{1,9}([.,]\d{1,3})?$/.test(v.target) ? Number(v.target.replace(',', '.')) : NaN;
      const before = report.errors.length;
      if (!v.unit_code) report.errors.push(rowProblem(line, 'unit_code', Reason.Required));
      if (!period) report.errors.push(rowProblem(line, 'period', Reason.CsvNotOneOf, { allowed: TARGET_PERIODS, words: ['tháng', 'quý', 'năm'] }));
      if (!measure) report.errors.push(rowProblem(line, 'measure', Reason.CsvNotOneOf, { allowed: TARGET_MEASURE_KEYS }));
      if (!day) report.errors.push(rowProblem(line, 'period_start', Reason.CsvBadDate));
      if (v.valid_on && !validOn) report.errors.push(rowProblem(line, 'valid_on', Reason.CsvBadDate));
      if (measure) {
        const problem = Number.isNaN(value) ? { reason: Reason.NotNumber, params: undefined } : this.valueProblem(measure.kind, value);
        if (problem) report.errors.push(rowProblem(line, 'target', problem.reason, problem.params));
      }
      if (report.errors.length > before || !period || !measure || !day) continue;
      const grain = TARGET_GRAINS[period]!;
      const bucket = targetBucket(grain, bucketStart(period, day));
      // The unit named on valid_on must be one in force during the period (a day of it names it).
      if (validOn && (validOn < bucket.start || validOn > bucket.end)) {
        report.errors.push(rowProblem(line, 'valid_on', Reason.OutOfRange, { min: bucket.start, max: bucket.end }));
        continue;
      }
      wellFormed.push({
        line,
        code: v.unit_code,
        days: validOn ? [validOn] : [bucket.end, bucket.start],
        measure: measure.key,
        grain,
        periodStart: bucket.start,
        kind: measure.kind,
        value,
      });
    }
    await this.dataSource.transaction(async (manager) => {
      // The unit of each row: in force on its first day that has one (valid_on, or the period's last day, then its first).
      const pairs = wellFormed.flatMap((r, i) => r.days.map((day, j) => ({ code: r.code, day, row: i, order: j })));
      const found = await this.targets.unitsValidOn(manager, pairs);
      const unitOf = new Map<number, { id: string; kind: string; order: number }>();
      for (const u of found) {
        const pair = pairs[u.i - 1];
        const known = unitOf.get(pair.row);
        if (!known || pair.order < known.order) unitOf.set(pair.row, { id: u.id, kind: u.kind, order: pair.order });
      }
      const latest = await placeImportRows(wellFormed, report.errors, {
        unitOf: (i) => unitOf.get(i),
        kinds: TARGET_UNIT_KINDS,
        dayOf: (row) => row.days[0],
        inScope: (unitIds) =>
          this.access.inScope(
            scope,
            unitIds.map((unitId) => ({ unitId })),
          ),
        keyOf: (row) => `${row.unitId}|${row.measure}|${row.grain}|${row.periodStart}`, // the same target twice: the last line wins
      });
      const rows = latest.map(({ unitId, measure, grain, periodStart, kind, value }) => ({ unitId, measure, grain, periodStart, kind, value }));
      const written = await this.write(manager, actor, 'target.import', rows);
      report.created = written.filter((w) => w.before === null).length;
      report.updated = written.length - report.created;
      report.unchanged = latest.length - written.length;
    });
    report.errors.sort((a, b) => a.line - b.line);
    return report;
  }

  /** The targets of a period set on a unit and the units under it (and the earlier units that went into them), within `scope`. */
  async list(
    scope: DataScope,
    unitCode: string,
    period: Period,
    day: string,
    geographyAsOf?: string | null,
  ): Promise<{ unit: AdminUnit; targets: TargetView[] }> {
    const grain = TARGET_GRAINS[period];
    if (!grain) throw DomainError.invalid('period', Reason.NotInList, { allowed: TARGET_PERIODS.map((p) => p.toUpperCase()) });
    const periodStart = bucketStart(period, requireIsoDate(day, 'periodStart'));
    const unit = await this.geography.unitByCode(unitCode, geographyAsOf);
    if (!(await this.access.covers(scope, [{ unitId: unit.id }]))) throw DomainError.forbidden();
    const rows = await this.targets.list(this.dataSource, scope, { pathPrefix: `${unit.path}%`, asOf: this.geography.asOf(geographyAsOf) }, grain, periodStart);
    return {
      unit,
      targets: rows.map((r) =>
        this.view(
          { unitId: r.unit_id, measure: r.measure, grain, periodStart, kind: r.kind as TargetKind, value: Number(r.value) },
          r.updated_by,
          r.updated_at,
        ),
      ),
    };
  }

  private valueProblem(kind: TargetKind, value: number): { reason: Reason; params?: Record<string, number> } | null {
    if (!Number.isFinite(value)) return { reason: Reason.NotNumber, params: undefined };
    const max = kind === TargetKind.Percent ? 100 : MAX_COUNT_TARGET;
    if (value < 0 || value > max) return { reason: Reason.OutOfRange, params: { min: 0, max } };
    return null;
  }

  private view(row: Checked, updatedBy: string, updatedAt: Date | null): TargetView {
    const bucket = targetBucket(row.grain, row.periodStart);
    return {
      unitId: row.unitId,
      measure: row.measure,
      kind: row.kind,
      period: GRAIN_PERIOD[row.grain],
      periodStart: bucket.start,
      periodEnd: bucket.end,
      value: row.value,
      updatedBy,
      updatedAt,
    };
  }

  /** Upserts targets in one statement; audits every change in the same transaction. */
  private async write(manager: EntityManager, actor: AuditActor, operation: string, rows: Checked[]) {
    if (!rows.length) return [];
    const written = await this.targets.upsert(manager, actor.label, rows);
    await this.recordAudit(
      manager,
      actor,
      operation,
      written.map((w) => ({ unitId: w.unit_id, measure: w.measure, grain: w.grain, periodStart: w.period_start, value: w.value, before: w.before })),
    );
    return written;
  }

  private recordAudit(
    manager: EntityManager,
    actor: AuditActor,
    operation: string,
    rows: { unitId: string; measure: string; grain: string; periodStart: string; value: string | null; before: string | null }[],
  ) {
    return this.audit.record(
      manager,
      actor,
      rows.map((w) => ({
        operation,
        objectType: 'coverage_target',
        objectId: `${w.unitId}:${w.measure}:${w.grain}:${w.periodStart}`,
        before: w.before === null ? null : { value: Number(w.before) },
        after: w.value === null ? null : { value: Number(w.value) },
        unitId: w.unitId,
      })),
    );
  }
}
