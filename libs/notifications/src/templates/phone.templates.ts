import { VIETNAM_TZ } from '@cdtg/time';
import { Language } from '../language';
import type { AssignmentNoticeParams } from './session.templates';

/** The templates that also go by phone (Zalo ZNS, SMS): notices about one's own assignments. */
export const PHONE_TEMPLATES = ['session-assigned', 'session-changed', 'session-cancelled', 'session-reminder', 'assignment-withdrawn'] as const;
export type PhoneTemplateName = (typeof PHONE_TEMPLATES)[number];

export const isPhoneTemplate = (template: string): template is PhoneTemplateName => (PHONE_TEMPLATES as readonly string[]).includes(template);

/**
 * A notice as a phone carries it: `text` for SMS (one or two segments), `data` for the ZNS template registered with
 * Zalo under the same name (its parameters: member_name, session_title, session_time, place, role, reason,
 * respond_url; ZNS limits a parameter's length, so each is cut at 100 characters).
 */
export interface PhoneMessage {
  text: string;
  data: Record<string, string>;
}

const ROLES: Record<string, Record<Language, string>> = {
  trainer: { vi: 'giảng viên', en: 'trainer' },
  assistant: { vi: 'trợ giảng', en: 'assistant' },
  supporter: { vi: 'hỗ trợ', en: 'supporter' },
};

/** "08:00 05/12/2026" in Vietnam time: short enough for an SMS. */
export function shortWhen(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: VIETNAM_TZ,
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('hour')}:${get('minute')} ${get('day')}/${get('month')}/${get('year')}`;
}

const cut = (value: string) => (value.length > 100 ? `${value.slice(0, 99)}…` : value);

/** The parameters of any phone template (each carries the session notice's; some a reason or a respond link). */
export type PhoneParams = Omit<AssignmentNoticeParams, 'assignedBy'> & { reason?: string | null };

export function renderPhoneMessage(template: PhoneTemplateName, language: Language, p: PhoneParams): PhoneMessage {
  const vi = language === Language.vi;
  const role = ROLES[p.role]?.[language] ?? p.role;
  const when = shortWhen(p.startsAt);
  const session = `"${p.title}" ${when}, ${p.place}`;
  const reason = p.reason ? (vi ? ` Lý do: ${p.reason}.` : ` Reason: ${p.reason}.`) : '';
  const respond = p.respondUrl ? (vi ? ` Nhận lời/từ chối: ${p.respondUrl}` : ` Accept/decline: ${p.respondUrl}`) : '';
  const texts: Record<PhoneTemplateName, string> = vi
    ? {
        'session-assigned': `cdtg: Bạn được phân công làm ${role} buổi ${session}.${respond}`,
        'session-changed': `cdtg: Buổi tập huấn đổi lịch: ${session}.${reason}`,
        'session-cancelled': `cdtg: Buổi "${p.title}" ${when} đã bị hủy.${reason}`,
        'session-reminder': `cdtg: Nhắc lịch: ${session}, vai trò ${role}.`,
        'assignment-withdrawn': `cdtg: Bạn không còn được phân công buổi "${p.title}" ${when}.${reason}`,
      }
    : {
        'session-assigned': `cdtg: You are assigned as ${role} for ${session}.${respond}`,
        'session-changed': `cdtg: Session moved: ${session}.${reason}`,
        'session-cancelled': `cdtg: "${p.title}" ${when} is cancelled.${reason}`,
        'session-reminder': `cdtg: Reminder: ${session}, as ${role}.`,
        'assignment-withdrawn': `cdtg: You are no longer assigned to "${p.title}" ${when}.${reason}`,
      };
  const data: Record<string, string> = {
    member_name: cut(p.memberName),
    session_title: cut(p.title),
    session_time: when,
    place: cut(`${p.place}, ${p.unitName}`),
    role,
  };
  if (p.reason) data.reason = cut(p.reason);
  if (p.respondUrl) data.respond_url = p.respondUrl;
  return { text: texts[template], data };
}
