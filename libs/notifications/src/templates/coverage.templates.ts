import { Language } from '../language';
import { escapeHtml, layout, RenderedEmail } from './layout';

export interface WeeklyDigestParams {
  displayName: string;
  unitName: string;
  /** Monday and Sunday of the week reported (YYYY-MM-DD). */
  weekStart: string;
  weekEnd: string;
  householdsReachedThisWeek: number;
  householdsReachedToDate: number;
  /** Households of the units with a count; null when none has one. */
  households: number | null;
  coveragePercent: number | null;
  /** Change of the coverage in percentage points since the week before. */
  changePoints: number | null;
  sessionsHeld: number;
  activeVolunteers: number;
  lowest: { name: string; coveragePercent: number | null; householdsReachedToDate: number }[];
  /** The week's table of units, as an XLSX file (base64). */
  attachment: { filename: string; base64: string };
  /**
   * What the nightly rollup checks found up to the digest: null before the first check; absent in e-mails queued
   * before the digest carried it.
   */
  check?: DigestCheckParams | null;
  /** Units behind plan (chậm tiến độ) against their targets as of the week's end; absent in e-mails queued before targets. */
  behind?: BehindPlanItem[];
}

/** One measure of a unit behind plan: the target of its period, what should be reached by now, and the actual. */
export interface BehindPlanItem {
  unitName: string;
  /** The measure's header in both languages (the measure registry's). */
  measure: { vi: string; en: string };
  percent: boolean;
  periodStart: string;
  periodEnd: string;
  target: number;
  expected: number;
  actual: number | null;
}

export interface BehindPlanParams {
  displayName: string;
  item: BehindPlanItem;
}

export interface DigestCheckParams {
  /** Vietnam date of the latest check or repair. */
  day: string;
  /** It found the figures equal to a recount from the records. */
  consistent: boolean;
  /** It was a repair: the figures were replaced by the recount. */
  repaired: boolean;
  /** Rows that differed in it. */
  differences: number;
  /** Checks and repairs of the 7 days before the digest; those that found differences; the repairs. */
  checks: number;
  withDifferences: number;
  repairs: number;
}

/** One line on the nightly checks: do the figures equal a recount from the records, and if not, what happens. */
function checkLine(vi: boolean, c: DigestCheckParams | null, n: (x: number | null) => string): string {
  if (!c) return vi ? 'Kiểm tra đối chiếu hằng đêm: chưa có kết quả.' : 'Nightly check: no result yet.';
  const day = date(c.day);
  if (c.repaired) {
    return vi
      ? `Kiểm tra đối chiếu hằng đêm (${day}): phát hiện ${n(c.differences)} chênh lệch so với tính lại từ dữ liệu gốc, đã được sửa bằng cách tính lại.`
      : `Nightly check (${day}): ${n(c.differences)} difference(s) from a recount from the records, repaired by the recount.`;
  }
  if (!c.consistent) {
    return vi
      ? `Kiểm tra đối chiếu hằng đêm (${day}): phát hiện ${n(c.differences)} chênh lệch so với tính lại từ dữ liệu gốc; bộ phận kỹ thuật đã được báo. Số liệu trên có thể chưa chính xác cho đến khi được sửa.`
      : `Nightly check (${day}): ${n(c.differences)} difference(s) from a recount from the records; the technical team has been alerted. The figures above may be off until repaired.`;
  }
  const earlier =
    c.withDifferences > 0
      ? vi
        ? ` Trong 7 ngày qua có ${n(c.withDifferences)} lần phát hiện chênh lệch${c.repairs ? `, đã sửa ${n(c.repairs)} lần` : ''}.`
        : ` In the past 7 days, ${n(c.withDifferences)} check(s) found differences${c.repairs ? `; ${n(c.repairs)} repair(s) made` : ''}.`
      : '';
  return vi
    ? `Kiểm tra đối chiếu hằng đêm (${day}): số liệu khớp với kết quả tính lại từ dữ liệu gốc.${earlier}`
    : `Nightly check (${day}): the figures equal a recount from the records.${earlier}`;
}

const number = (n: number | null, language: Language, digits = 0) =>
  n === null
    ? '–'
    : new Intl.NumberFormat(language === Language.vi ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
/** dd/mm/yyyy, as dates are written in Vietnam (and in British English). */
const date = (d: string) => d.split('-').reverse().join('/');

/** One line of a unit behind plan: measure, period, actual against what should be reached by now and the target. */
function behindLine(vi: boolean, b: BehindPlanItem, n: (x: number | null, digits?: number) => string): string {
  const unit = b.percent ? '%' : '';
  const digits = b.percent ? 1 : 0;
  const figure = (x: number | null) => `${n(x, digits)}${x === null ? '' : unit}`;
  return vi
    ? `${b.unitName} – ${b.measure.vi}, kỳ ${date(b.periodStart)}–${date(b.periodEnd)}: đạt ${figure(b.actual)}, cần đạt đến nay ${figure(b.expected)} (chỉ tiêu ${figure(b.target)})`
    : `${b.unitName} – ${b.measure.en}, period ${date(b.periodStart)}–${date(b.periodEnd)}: ${figure(b.actual)} reached, ${figure(b.expected)} due by now (target ${figure(b.target)})`;
}

/** To a unit's ward officers: the unit is behind plan on one measure of a period (once per unit, period and measure). */
export function behindPlanEmail(language: Language, p: BehindPlanParams): RenderedEmail {
  const vi = language === Language.vi;
  const n = (x: number | null, digits = 0) => number(x, language, digits);
  return layout(language, vi ? `Chậm tiến độ: ${p.item.unitName} – ${p.item.measure.vi}` : `Behind plan: ${p.item.unitName} – ${p.item.measure.en}`, [
    { text: vi ? `Xin chào ${p.displayName},` : `Hello ${p.displayName},` },
    {
      text: vi
        ? 'Đơn vị của bạn đang chậm tiến độ so với chỉ tiêu được giao (chỉ tiêu tính theo phần thời gian đã qua của kỳ):'
        : 'Your unit is behind plan against its target (the target pro-rated to the part of the period elapsed):',
    },
    { text: behindLine(vi, p.item, n) },
  ]);
}

/** The department's Monday e-mail: the week's headline figures, the five lowest-coverage units, the table attached. */
export function weeklyDigestEmail(language: Language, p: WeeklyDigestParams): RenderedEmail {
  const vi = language === Language.vi;
  const n = (x: number | null, digits = 0) => number(x, language, digits);
  const change =
    p.changePoints === null
      ? ''
      : ` (${p.changePoints >= 0 ? '+' : ''}${n(p.changePoints, 1)} ${vi ? 'điểm % so với tuần trước' : 'points on the week before'})`;
  const headline = vi
    ? [
        `Hộ được hỗ trợ trong tuần: ${n(p.householdsReachedThisWeek)}`,
        `Hộ được hỗ trợ lũy kế: ${n(p.householdsReachedToDate)}${p.households ? ` / ${n(p.households)} hộ` : ''}`,
        `Tỷ lệ bao phủ: ${p.coveragePercent === null ? 'chưa có số hộ' : `${n(p.coveragePercent, 1)}%`}${change}`,
        `Buổi tập huấn đã tổ chức: ${n(p.sessionsHeld)}; tình nguyện viên hoạt động: ${n(p.activeVolunteers)}`,
      ]
    : [
        `Households reached this week: ${n(p.householdsReachedThisWeek)}`,
        `Households reached to date: ${n(p.householdsReachedToDate)}${p.households ? ` of ${n(p.households)}` : ''}`,
        `Coverage: ${p.coveragePercent === null ? 'no household counts yet' : `${n(p.coveragePercent, 1)}%`}${change}`,
        `Training sessions held: ${n(p.sessionsHeld)}; active volunteers: ${n(p.activeVolunteers)}`,
      ];
  const lowest = p.lowest.map(
    (u, i) =>
      `${i + 1}. ${u.name}: ${u.coveragePercent === null ? (vi ? 'chưa có số hộ' : 'no household count') : `${n(u.coveragePercent, 1)}%`} (${n(u.householdsReachedToDate)} ${vi ? 'hộ' : 'households'})`,
  );
  const list = (lines: string[]) => ({
    text: lines.join('\n'),
    html: `<ul style="margin:0;padding-left:20px">${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
  });
  const email = layout(
    language,
    vi ? `Bản tin bao phủ tuần ${date(p.weekStart)}–${date(p.weekEnd)}: ${p.unitName}` : `Coverage digest, week of ${date(p.weekStart)}: ${p.unitName}`,
    [
      { text: vi ? `Xin chào ${p.displayName},` : `Hello ${p.displayName},` },
      {
        text: vi
          ? `Số liệu tuần ${date(p.weekStart)}–${date(p.weekEnd)} của ${p.unitName}:`
          : `The week ${date(p.weekStart)}–${date(p.weekEnd)} in ${p.unitName}:`,
      },
      list(headline),
      { text: vi ? 'Năm đơn vị có tỷ lệ bao phủ thấp nhất (cần hỗ trợ thêm):' : 'The five units with the lowest coverage (where help is needed):' },
      list(lowest),
      {
        text: vi ? `Bảng số liệu chi tiết theo đơn vị được đính kèm (${p.attachment.filename}).` : `The table by unit is attached (${p.attachment.filename}).`,
      },
      ...(p.behind?.length
        ? [{ text: vi ? 'Đơn vị chậm tiến độ so với chỉ tiêu:' : 'Units behind plan against their targets:' }, list(p.behind.map((b) => behindLine(vi, b, n)))]
        : []),
      ...(p.check === undefined ? [] : [{ text: checkLine(vi, p.check, (x) => n(x)) }]),
    ],
  );
  return {
    ...email,
    attachments: [
      {
        filename: p.attachment.filename,
        content: p.attachment.base64,
        encoding: 'base64',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
    ],
  };
}
