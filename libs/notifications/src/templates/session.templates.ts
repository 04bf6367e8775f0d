import { VIETNAM_TZ } from '@cdtg/time';
import { Language } from '../language';
import { button, escapeHtml, layout, RenderedEmail } from './layout';

/** A session as the e-mails show it (a snapshot taken when the e-mail was queued). */
export interface SessionFacts {
  title: string;
  groupName: string;
  /** ISO 8601 (UTC); shown in Vietnam time. */
  startsAt: string;
  endsAt: string;
  place: string;
  unitName: string;
  /** Topic names in the recipient's language. */
  topics: string[];
}

/** What every notice about one assignment carries. */
export interface SessionNoticeParams extends SessionFacts {
  memberName: string;
  /** trainer | assistant | supporter */
  role: string;
  /** The member's personal calendar feed (a signed link). */
  calendarUrl: string;
  /** The session as an iCalendar event, attached to the e-mail. */
  ics: string;
}

export interface AssignmentNoticeParams extends SessionNoticeParams {
  assignedBy: string;
  /** A signed link to accept or decline without signing in (also sent by ZNS and SMS). */
  respondUrl?: string;
}

export interface ChangeNoticeParams extends SessionNoticeParams {
  previous: { startsAt: string; endsAt: string; place: string; unitName: string };
  reason: string | null;
}

export interface CancelNoticeParams extends SessionNoticeParams {
  reason: string;
}

export interface WithdrawalNoticeParams extends SessionNoticeParams {
  reason: string | null;
}

export interface WeeklyAgendaParams {
  memberName: string;
  /** The Monday of the week (YYYY-MM-DD). */
  weekOf: string;
  items: (SessionFacts & { role: string; status: string })[];
  calendarUrl: string;
  /** Where the member stops (or resumes) this e-mail: a signed link, also sent as List-Unsubscribe. */
  preferenceUrl: string;
}

const ROLES: Record<string, Record<Language, string>> = {
  trainer: { vi: 'Giảng viên', en: 'Trainer' },
  assistant: { vi: 'Trợ giảng', en: 'Assistant' },
  supporter: { vi: 'Hỗ trợ', en: 'Supporter' },
};
const ANSWERS: Record<string, Record<Language, string>> = {
  pending: { vi: 'chưa xác nhận', en: 'not yet confirmed' },
  accepted: { vi: 'đã nhận lời', en: 'accepted' },
};

const TZ = VIETNAM_TZ;
const locale = (language: Language) => (language === Language.vi ? 'vi-VN' : 'en-GB');
const clock = (iso: string, language: Language) =>
  new Intl.DateTimeFormat(locale(language), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: TZ }).format(new Date(iso));
const day = (iso: string, language: Language) =>
  language === Language.vi
    ? `${new Intl.DateTimeFormat('vi-VN', { weekday: 'long', timeZone: TZ }).format(new Date(iso))} ${new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: TZ }).format(new Date(iso))}`
    : new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: TZ }).format(new Date(iso));

/** "08:00–10:00, Thứ Bảy 05/12/2026" / "08:00–10:00, Saturday, 5 December 2026" (Vietnam time). */
export const sessionWhen = (startsAt: string, endsAt: string, language: Language) =>
  `${clock(startsAt, language)}–${clock(endsAt, language)}, ${day(startsAt, language)}`;

const roleLabel = (role: string, language: Language) => ROLES[role]?.[language] ?? role;

/** The lines describing a session, in plain text and as an HTML table. */
function sessionBlock(s: SessionFacts & { role?: string }, language: Language): { text: string; html: string } {
  const vi = language === Language.vi;
  const rows: [string, string][] = [
    [vi ? 'Buổi' : 'Session', s.title],
    [vi ? 'Thời gian' : 'When', `${sessionWhen(s.startsAt, s.endsAt, language)} (${vi ? 'giờ Việt Nam' : 'Vietnam time'})`],
    [vi ? 'Địa điểm' : 'Where', `${s.place}, ${s.unitName}`],
    [vi ? 'Tổ tổ chức' : 'Organised by', s.groupName],
    [vi ? 'Nội dung' : 'Topics', s.topics.join(', ')],
    ...(s.role ? ([[vi ? 'Vai trò của bạn' : 'Your role', roleLabel(s.role, language)]] as [string, string][]) : []),
  ];
  return {
    text: rows.map(([k, v]) => `${k}: ${v}`).join('\n'),
    html: `<table style="border-collapse:collapse">${rows.map(([k, v]) => `<tr><td style="padding:2px 12px 2px 0;color:#6b7280">${escapeHtml(k)}</td><td style="padding:2px 0"><strong>${escapeHtml(v)}</strong></td></tr>`).join('')}</table>`,
  };
}

const icsAttachment = (ics: string, language: Language) => [
  {
    filename: language === Language.vi ? 'buoi-tap-huan.ics' : 'training-session.ics',
    content: ics,
    contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
  },
];

function calendarParagraph(url: string, language: Language) {
  return language === Language.vi
    ? {
        text: `Tệp lịch (.ics) đính kèm để thêm buổi này vào lịch điện thoại. Lịch cá nhân của bạn, tự cập nhật khi có thay đổi:\n${url}`,
        html: `Tệp lịch (.ics) đính kèm để thêm buổi này vào lịch điện thoại. <a href="${escapeHtml(url)}">Đăng ký lịch cá nhân của bạn</a> (tự cập nhật khi có thay đổi).`,
      }
    : {
        text: `The attached calendar file (.ics) adds this session to your phone's calendar. Your personal calendar, which follows every change:\n${url}`,
        html: `The attached calendar file (.ics) adds this session to your phone's calendar. <a href="${escapeHtml(url)}">Subscribe to your personal calendar</a> (it follows every change).`,
      };
}

/** The signed link that accepts or declines without signing in. */
function respondParagraph(url: string | undefined, language: Language): { text: string; html?: string }[] {
  if (!url) return [];
  return language === Language.vi
    ? [{ text: `Nhận lời hoặc từ chối ngay (không cần đăng nhập): ${url}`, html: `${button(url, 'Nhận lời hoặc từ chối')}` }]
    : [{ text: `Accept or decline now (no sign-in needed): ${url}`, html: `${button(url, 'Accept or decline')}` }];
}

/** A notice about one assignment: greeting, message, the session, the calendar, and the .ics attached. */
function notice(language: Language, subject: string, p: SessionNoticeParams, message: { text: string; html?: string }[], withRole = true): RenderedEmail {
  const block = sessionBlock({ ...p, role: withRole ? p.role : undefined }, language);
  const email = layout(language, subject, [
    { text: language === Language.vi ? `Xin chào ${p.memberName},` : `Hello ${p.memberName},` },
    ...message,
    { text: block.text, html: block.html },
    calendarParagraph(p.calendarUrl, language),
  ]);
  return { ...email, attachments: icsAttachment(p.ics, language) };
}

export function sessionAssignedEmail(language: Language, p: AssignmentNoticeParams): RenderedEmail {
  return language === Language.vi
    ? notice(language, `Phân công tập huấn: ${p.title} – ${sessionWhen(p.startsAt, p.endsAt, language)}`, p, [
        {
          text: `${p.assignedBy} đã phân công bạn làm ${roleLabel(p.role, language).toLowerCase()} cho buổi tập huấn dưới đây. Vui lòng xác nhận nhận lời hoặc từ chối trong ứng dụng cdtg, hoặc báo lại cho cán bộ phường/xã.`,
        },
        ...respondParagraph(p.respondUrl, language),
      ])
    : notice(language, `Assignment: ${p.title} – ${sessionWhen(p.startsAt, p.endsAt, language)}`, p, [
        {
          text: `${p.assignedBy} has assigned you as ${roleLabel(p.role, language).toLowerCase()} for the training session below. Please accept or decline in the cdtg app, or tell your ward officer.`,
        },
        ...respondParagraph(p.respondUrl, language),
      ]);
}

export function sessionChangedEmail(language: Language, p: ChangeNoticeParams): RenderedEmail {
  const vi = language === Language.vi;
  const before = `${sessionWhen(p.previous.startsAt, p.previous.endsAt, language)} – ${p.previous.place}, ${p.previous.unitName}`;
  const reason = p.reason ? (vi ? ` Lý do: ${p.reason}.` : ` Reason: ${p.reason}.`) : '';
  return vi
    ? notice(language, `Thay đổi lịch: ${p.title} – ${sessionWhen(p.startsAt, p.endsAt, language)}`, p, [
        {
          text: `Buổi tập huấn bạn được phân công đã đổi thời gian hoặc địa điểm.${reason} Lịch cũ: ${before}. Lịch mới như dưới đây; tệp lịch đính kèm cập nhật sự kiện trong lịch của bạn.`,
        },
      ])
    : notice(language, `Schedule change: ${p.title} – ${sessionWhen(p.startsAt, p.endsAt, language)}`, p, [
        {
          text: `The training session you are assigned to has a new time or place.${reason} It was: ${before}. The new details are below; the attached calendar file updates the event in your calendar.`,
        },
      ]);
}

export function sessionCancelledEmail(language: Language, p: CancelNoticeParams): RenderedEmail {
  return language === Language.vi
    ? notice(
        language,
        `Hủy buổi tập huấn: ${p.title} – ${sessionWhen(p.startsAt, p.endsAt, language)}`,
        p,
        [{ text: `Buổi tập huấn dưới đây đã bị hủy. Lý do: ${p.reason}. Bạn không cần đến nữa; tệp lịch đính kèm đánh dấu sự kiện là đã hủy.` }],
        false,
      )
    : notice(
        language,
        `Cancelled: ${p.title} – ${sessionWhen(p.startsAt, p.endsAt, language)}`,
        p,
        [
          {
            text: `The training session below is cancelled. Reason: ${p.reason}. You no longer need to come; the attached calendar file marks the event as cancelled.`,
          },
        ],
        false,
      );
}

export function sessionReminderEmail(language: Language, p: SessionNoticeParams): RenderedEmail {
  return language === Language.vi
    ? notice(language, `Nhắc lịch: ${p.title} lúc ${sessionWhen(p.startsAt, p.endsAt, language)}`, p, [
        { text: 'Nhắc bạn buổi tập huấn sắp diễn ra (trong khoảng 24 giờ tới). Nếu không thể tham gia, vui lòng báo ngay cho cán bộ phường/xã.' },
      ])
    : notice(language, `Reminder: ${p.title} at ${sessionWhen(p.startsAt, p.endsAt, language)}`, p, [
        { text: 'A reminder of the training session coming up in about 24 hours. If you cannot come, please tell your ward officer at once.' },
      ]);
}

export function assignmentWithdrawnEmail(language: Language, p: WithdrawalNoticeParams): RenderedEmail {
  const vi = language === Language.vi;
  const reason = p.reason ? (vi ? ` Lý do: ${p.reason}.` : ` Reason: ${p.reason}.`) : '';
  return vi
    ? notice(
        language,
        `Thôi phân công: ${p.title}`,
        p,
        [{ text: `Bạn không còn được phân công cho buổi tập huấn dưới đây.${reason} Cảm ơn bạn; tệp lịch đính kèm gỡ sự kiện khỏi lịch của bạn.` }],
        false,
      )
    : notice(
        language,
        `Assignment withdrawn: ${p.title}`,
        p,
        [
          {
            text: `You are no longer assigned to the training session below.${reason} Thank you; the attached calendar file removes the event from your calendar.`,
          },
        ],
        false,
      );
}

export function weeklyAgendaEmail(language: Language, p: WeeklyAgendaParams): RenderedEmail {
  const vi = language === Language.vi;
  const weekOf = new Intl.DateTimeFormat(
    locale(language),
    vi ? { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' } : { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' },
  ).format(new Date(`${p.weekOf}T00:00:00Z`));
  const items = p.items.map((i) => {
    const block = sessionBlock(i, language);
    const answer = ANSWERS[i.status]?.[language] ?? i.status;
    return {
      text: `${block.text}\n${vi ? 'Trạng thái' : 'Status'}: ${answer}`,
      html: `${block.html}<div style="color:#6b7280">${escapeHtml(vi ? 'Trạng thái' : 'Status')}: ${escapeHtml(answer)}</div>`,
    };
  });
  const email = layout(language, vi ? `Lịch tập huấn tuần từ ${weekOf}: ${p.items.length} buổi` : `Your training sessions from ${weekOf}: ${p.items.length}`, [
    { text: vi ? `Xin chào ${p.memberName},` : `Hello ${p.memberName},` },
    { text: vi ? `Các buổi tập huấn bạn được phân công trong 7 ngày tới:` : 'The training sessions you are assigned to in the next 7 days:' },
    ...items,
    vi
      ? { text: `Lịch cá nhân của bạn (tự cập nhật): ${p.calendarUrl}`, html: `<a href="${escapeHtml(p.calendarUrl)}">Lịch cá nhân của bạn</a> (tự cập nhật).` }
      : {
          text: `Your personal calendar (always up to date): ${p.calendarUrl}`,
          html: `<a href="${escapeHtml(p.calendarUrl)}">Your personal calendar</a> (always up to date).`,
        },
    vi
      ? {
          text: `Không muốn nhận thư lịch hằng tuần? Hủy đăng ký tại: ${p.preferenceUrl}`,
          html: `Không muốn nhận thư lịch hằng tuần? ${button(p.preferenceUrl, 'Hủy đăng ký thư hằng tuần')}`,
        }
      : {
          text: `Do not want this weekly e-mail? Unsubscribe here: ${p.preferenceUrl}`,
          html: `Do not want this weekly e-mail? ${button(p.preferenceUrl, 'Unsubscribe from the weekly e-mail')}`,
        },
  ]);
  // RFC 8058 one-click unsubscribe: mail apps show their own button and POST to the link.
  return { ...email, headers: { 'List-Unsubscribe': `<${p.preferenceUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } };
}
