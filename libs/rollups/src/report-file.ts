import ExcelJS from 'exceljs';
import { Language } from '@cdtg/notifications';
import { foldVietnamese, writeCsv } from '@cdtg/text';
import { ExportFormat } from './coverage-query';
import { CoverageReport, CoverageRow } from './coverage.service';
import { figureOf, SHOWN } from './measures';
import { Period } from './periods';
import { TARGET_MEASURES, TargetKind } from './targets';

export interface ReportFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

type Kind = 'text' | 'date' | 'count' | 'percent' | 'flag';
interface ColumnSpec {
  header: Record<Language, string>;
  kind: Kind;
  value: (row: CoverageRow) => string | number | boolean | null;
}

const h = (vi: string, en: string) => ({ [Language.vi]: vi, [Language.en]: en });

/** Coverage follows households reached to date, its numerator. */
const COVERAGE_PERCENT: ColumnSpec = { header: h('Tỷ lệ bao phủ (%)', 'Coverage (%)'), kind: 'percent', value: (r) => r.coveragePercent };

/** The columns of a coverage table, with Vietnamese and English headers: one list for CSV, XLSX and the digest; a column per shown measure (measures.ts). */
export const COVERAGE_COLUMNS: ColumnSpec[] = [
  { header: h('Mã đơn vị', 'Unit code'), kind: 'text', value: (r) => r.unit.code },
  { header: h('Đơn vị', 'Unit'), kind: 'text', value: (r) => r.unit.name },
  { header: h('Từ ngày', 'From'), kind: 'date', value: (r) => r.periodStart },
  { header: h('Đến ngày', 'To'), kind: 'date', value: (r) => r.periodEnd },
  { header: h('Số hộ', 'Households'), kind: 'count', value: (r) => r.households },
  ...SHOWN.flatMap((m): ColumnSpec[] => {
    const column: ColumnSpec = { header: m.row.header, kind: 'count', value: (r) => figureOf(r, m) };
    return 'field' in m.row && m.row.field === 'householdsReachedToDate' ? [column, COVERAGE_PERCENT] : [column];
  }),
  { header: h('Số liệu ước tính theo tỷ lệ', 'Apportioned'), kind: 'flag', value: (r) => r.apportioned },
];

/**
 * The target columns of a table: for each measure with a target on some row (TARGET_MEASURES order), its target, the
 * actual, the gap (still to do) and "behind plan"; none when no row has a target, so tables without targets keep
 * their columns.
 */
export function targetColumns(rows: readonly CoverageRow[]): ColumnSpec[] {
  const present = new Set(rows.flatMap((r) => r.targets.map((p) => p.measure)));
  return TARGET_MEASURES.filter((m) => present.has(m.key)).flatMap((m): ColumnSpec[] => {
    const kind: Kind = m.kind === TargetKind.Percent ? 'percent' : 'count';
    const of = (r: CoverageRow) => r.targets.find((p) => p.measure === m.key);
    return [
      { header: h(`Chỉ tiêu – ${m.header.vi}`, `Target – ${m.header.en}`), kind, value: (r) => of(r)?.target ?? null },
      { header: h(`Đạt – ${m.header.vi}`, `Actual – ${m.header.en}`), kind, value: (r) => (of(r) ? of(r)!.actual : null) },
      { header: h(`Còn thiếu – ${m.header.vi}`, `To go – ${m.header.en}`), kind, value: (r) => of(r)?.gap ?? null },
      { header: h(`Chậm tiến độ – ${m.header.vi}`, `Behind plan – ${m.header.en}`), kind: 'flag', value: (r) => of(r)?.behindPlan ?? false },
    ];
  });
}

const PERIOD_NAMES: Record<Period, Record<Language, string>> = {
  [Period.Day]: h('ngày', 'day'),
  [Period.Week]: h('tuần', 'week'),
  [Period.Month]: h('tháng', 'month'),
  [Period.Quarter]: h('quý', 'quarter'),
  [Period.Year]: h('năm', 'year'),
  [Period.Cumulative]: h('lũy kế', 'cumulative'),
};

/** The report as a file people open in Excel: CSV (UTF-8 with BOM, formulas neutralised) or XLSX (number formats). */
export async function coverageFile(report: CoverageReport, format: ExportFormat, language: Language): Promise<ReportFile> {
  const base = `bao-phu-${foldVietnamese(report.unit.name).replace(/[^a-z0-9]+/g, '-')}-${report.period}-${report.to}`;
  const flag = (v: boolean) => (v ? (language === Language.vi ? 'Có' : 'Yes') : '');
  const columns = [...COVERAGE_COLUMNS, ...targetColumns(report.rows)];
  if (format === ExportFormat.Csv) {
    const rows = report.rows.map((r) => columns.map((c) => (c.kind === 'flag' ? flag(c.value(r) as boolean) : c.value(r))));
    return {
      filename: `${base}.csv`,
      contentType: 'text/csv; charset=utf-8',
      content: Buffer.from(
        writeCsv(
          columns.map((c) => c.header[language]),
          rows,
        ),
      ),
    };
  }
  const book = new ExcelJS.Workbook();
  book.creator = 'cdtg';
  const sheet = book.addWorksheet(language === Language.vi ? 'Bao phủ' : 'Coverage', { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({
    header: c.header[language],
    width: c.kind === 'text' ? 28 : c.kind === 'date' ? 12 : 14,
    style: { numFmt: c.kind === 'percent' ? '0.0' : c.kind === 'count' ? '#,##0.###' : c.kind === 'date' ? 'dd/mm/yyyy' : '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).alignment = { wrapText: true, vertical: 'top' };
  for (const r of report.rows) {
    sheet.addRow(
      columns.map((c) => {
        const v = c.value(r);
        if (c.kind === 'date') return new Date(`${v}T00:00:00Z`);
        if (c.kind === 'flag') return flag(v as boolean);
        return v;
      }),
    );
  }
  const about = book.addWorksheet(language === Language.vi ? 'Thông tin' : 'About');
  const vi = language === Language.vi;
  about.addRows([
    [vi ? 'Đơn vị' : 'Unit', `${report.unit.name} (${report.unit.code})`],
    [vi ? 'Kỳ' : 'Period', `${PERIOD_NAMES[report.period][language]}: ${report.from} → ${report.to}`],
    [vi ? 'Địa giới theo ngày' : 'Geography as of', report.geographyAsOf],
    [
      vi ? 'Cách đếm' : 'Counting',
      report.basis === 1 ? (vi ? 'chỉ lượt đã xác minh' : 'verified entries only') : vi ? 'tất cả lượt hợp lệ' : 'all valid entries',
    ],
    [vi ? 'Số liệu đến sự kiện' : 'Figures up to event', report.asOf.eventId ?? '-'],
  ]);
  about.getColumn(1).width = 24;
  about.getColumn(2).width = 60;
  return {
    filename: `${base}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    content: Buffer.from(await book.xlsx.writeBuffer()),
  };
}
