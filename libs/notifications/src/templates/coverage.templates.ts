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
}

const number = (n: number | null, language: Language, digits = 0) =>
  n === null ? '–' : new Intl.NumberFormat(language === Language.vi ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
/** dd/mm/yyyy, as dates are written in Vietnam (and in British English). */
const date = (d: string) => d.split('-').reverse().join('/');

/** The department's Monday e-mail: the week's headline figures, the five lowest-coverage units, the table attached. */
export function weeklyDigestEmail(language: Language, p: WeeklyDigestParams): RenderedEmail {
  const vi = language === Language.vi;
  const n = (x: number | null, digits = 0) => number(x, language, digits);
  const change = p.changePoints === null ? '' : ` (${p.changePoints >= 0 ? '+' : ''}${n(p.changePoints, 1)} ${vi ? 'điểm % so với tuần trước' : 'points on the week before'})`;
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
  const lowest = p.lowest.map((u, i) => `${i + 1}. ${u.name}: ${u.coveragePercent === null ? (vi ? 'chưa có số hộ' : 'no household count') : `${n(u.coveragePercent, 1)}%`} (${n(u.householdsReachedToDate)} ${vi ? 'hộ' : 'households'})`);
  const list = (lines: string[]) => ({ text: lines.join('\n'), html: `<ul style="margin:0;padding-left:20px">${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` });
  const email = layout(
    language,
    vi ? `Bản tin bao phủ tuần ${date(p.weekStart)}–${date(p.weekEnd)}: ${p.unitName}` : `Coverage digest, week of ${date(p.weekStart)}: ${p.unitName}`,
    [
      { text: vi ? `Xin chào ${p.displayName},` : `Hello ${p.displayName},` },
      { text: vi ? `Số liệu tuần ${date(p.weekStart)}–${date(p.weekEnd)} của ${p.unitName}:` : `The week ${date(p.weekStart)}–${date(p.weekEnd)} in ${p.unitName}:` },
      list(headline),
      { text: vi ? 'Năm đơn vị có tỷ lệ bao phủ thấp nhất (cần hỗ trợ thêm):' : 'The five units with the lowest coverage (where help is needed):' },
      list(lowest),
      { text: vi ? `Bảng số liệu chi tiết theo đơn vị được đính kèm (${p.attachment.filename}).` : `The table by unit is attached (${p.attachment.filename}).` },
    ],
  );
  return {
    ...email,
    attachments: [{ filename: p.attachment.filename, content: p.attachment.base64, encoding: 'base64', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }],
  };
}
