import ExcelJS from 'exceljs';
import { ASSIST_SERVICE_NAMES, ASSIST_SERVICES } from '@cdtg/assists';
import { Language } from '@cdtg/notifications';
import { foldVietnamese, writeCsv } from '@cdtg/text';
import { ExportFormat } from './coverage-query';
import { CoverageReport, CoverageRow } from './coverage.service';
import { Period } from './periods';

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
const TRAINED = [
  ['female', 'under_35', 'Nữ dưới 35', 'Women under 35'],
  ['female', '35_59', 'Nữ 35–59', 'Women 35–59'],
  ['female', '60_plus', 'Nữ từ 60', 'Women 60+'],
  ['male', 'under_35', 'Nam dưới 35', 'Men under 35'],
  ['male', '35_59', 'Nam 35–59', 'Men 35–59'],
  ['male', '60_plus', 'Nam từ 60', 'Men 60+'],
] as const;

/** The columns of a coverage table, with Vietnamese and English headers: one list for CSV, XLSX and the digest. */
export const COVERAGE_COLUMNS: ColumnSpec[] = [
  { header: h('Mã đơn vị', 'Unit code'), kind: 'text', value: (r) => r.unit.code },
  { header: h('Đơn vị', 'Unit'), kind: 'text', value: (r) => r.unit.name },
  { header: h('Từ ngày', 'From'), kind: 'date', value: (r) => r.periodStart },
  { header: h('Đến ngày', 'To'), kind: 'date', value: (r) => r.periodEnd },
  { header: h('Số hộ', 'Households'), kind: 'count', value: (r) => r.households },
  { header: h('Hộ được hỗ trợ trong kỳ', 'Households reached in the period'), kind: 'count', value: (r) => r.householdsReached },
  { header: h('Hộ được hỗ trợ lũy kế', 'Households reached to date'), kind: 'count', value: (r) => r.householdsReachedToDate },
  { header: h('Tỷ lệ bao phủ (%)', 'Coverage (%)'), kind: 'percent', value: (r) => r.coveragePercent },
  { header: h('Lượt hỗ trợ', 'Entries'), kind: 'count', value: (r) => r.entries },
  { header: h('Lượt đã xác minh', 'Entries verified'), kind: 'count', value: (r) => r.entriesVerified },
  ...ASSIST_SERVICES.map((s) => ASSIST_SERVICE_NAMES[s]).flatMap((name, i) => [
    { header: h(`${name.vi}: hoàn thành`, `${name.en}: done`), kind: 'count' as const, value: (r: CoverageRow) => r.services[i].done },
    { header: h(`${name.vi}: cần hỗ trợ lại`, `${name.en}: follow-up`), kind: 'count' as const, value: (r: CoverageRow) => r.services[i].followUp },
  ]),
  { header: h('Việc cần hỗ trợ lại đang mở', 'Follow-ups open'), kind: 'count', value: (r) => r.followUpsOpen },
  { header: h('Tình nguyện viên hoạt động', 'Active volunteers'), kind: 'count', value: (r) => r.activeVolunteers },
  { header: h('Buổi tập huấn', 'Sessions held'), kind: 'count', value: (r) => r.sessionsHeld },
  { header: h('Người tham dự', 'Participants'), kind: 'count', value: (r) => r.participants },
  ...TRAINED.map(([gender, band, vi, en]) => ({
    header: h(`Đã tập huấn: ${vi}`, `Trained: ${en}`),
    kind: 'count' as const,
    value: (r: CoverageRow) => r.trained.find((t) => t.gender === gender && t.ageBand === band)?.people ?? 0,
  })),
  { header: h('Số liệu ước tính theo tỷ lệ', 'Apportioned'), kind: 'flag', value: (r) => r.apportioned },
];

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
  if (format === ExportFormat.Csv) {
    const rows = report.rows.map((r) => COVERAGE_COLUMNS.map((c) => (c.kind === 'flag' ? flag(c.value(r) as boolean) : c.value(r))));
    return { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', content: Buffer.from(writeCsv(COVERAGE_COLUMNS.map((c) => c.header[language]), rows)) };
  }
  const book = new ExcelJS.Workbook();
  book.creator = 'cdtg';
  const sheet = book.addWorksheet(language === Language.vi ? 'Bao phủ' : 'Coverage', { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
  sheet.columns = COVERAGE_COLUMNS.map((c) => ({
    header: c.header[language],
    width: c.kind === 'text' ? 28 : c.kind === 'date' ? 12 : 14,
    style: { numFmt: c.kind === 'percent' ? '0.0' : c.kind === 'count' ? '#,##0.###' : c.kind === 'date' ? 'dd/mm/yyyy' : '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).alignment = { wrapText: true, vertical: 'top' };
  for (const r of report.rows) {
    sheet.addRow(
      COVERAGE_COLUMNS.map((c) => {
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
    [vi ? 'Cách đếm' : 'Counting', report.basis === 1 ? (vi ? 'chỉ lượt đã xác minh' : 'verified entries only') : vi ? 'tất cả lượt hợp lệ' : 'all valid entries'],
    [vi ? 'Số liệu đến sự kiện' : 'Figures up to event', report.asOf.eventId ?? '-'],
  ]);
  about.getColumn(1).width = 24;
  about.getColumn(2).width = 60;
  return { filename: `${base}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', content: Buffer.from(await book.xlsx.writeBuffer()) };
}
