import { escapeHtml, Language, sessionWhen } from '@cdtg/notifications';
import type { SignedAssignment } from '@cdtg/sessions';

/** The refusals this page can meet, said in the member's language (never the server's English). */
const REFUSALS: Record<string, Record<'vi' | 'en', string>> = {
  SESSION_STARTED: { vi: 'Buổi tập huấn đã bắt đầu, không thể trả lời nữa.', en: 'The session has already started; it can no longer be answered.' },
  SESSION_CANCELLED: { vi: 'Buổi tập huấn đã bị hủy.', en: 'The session was cancelled.' },
  SESSION_NOT_PLANNED: { vi: 'Buổi tập huấn không còn ở trạng thái đã lên lịch.', en: 'The session is no longer planned.' },
  ASSIGNMENT_CLOSED: { vi: 'Phân công này đã kết thúc (đã từ chối hoặc đã rút).', en: 'This assignment is closed (declined or withdrawn).' },
  REASON_NEEDED: { vi: 'Vui lòng cho biết lý do từ chối (3 đến 500 ký tự).', en: 'Please say why you decline (3 to 500 characters).' },
  HOLDS_ID_NUMBER: { vi: 'Lý do không được chứa số định danh cá nhân.', en: 'The reason must not contain an ID number.' },
  HOLDS_PHONE_NUMBER: { vi: 'Lý do không được chứa số điện thoại.', en: 'The reason must not contain a phone number.' },
};
const OTHER: Record<'vi' | 'en', string> = {
  vi: 'Không ghi nhận được câu trả lời. Vui lòng báo cán bộ phường/xã.',
  en: 'Your answer could not be recorded. Please tell your ward officer.',
};

const STATUS: Record<string, Record<'vi' | 'en', string>> = {
  pending: { vi: 'Chưa trả lời', en: 'Not answered yet' },
  accepted: { vi: 'Đã nhận lời', en: 'Accepted' },
  declined: { vi: 'Đã từ chối', en: 'Declined' },
  withdrawn: { vi: 'Đã rút phân công', en: 'Withdrawn' },
};

export const refusalText = (reason: string, language: 'vi' | 'en') => REFUSALS[reason]?.[language] ?? OTHER[language];

/**
 * The page behind an assignment notice's signed link: the session, the answer so far, and the two forms (accept;
 * decline with a reason). Forms POST: opening the link, as message scanners do, changes nothing.
 */
export function assignmentResponsePage(a: SignedAssignment, actionUrl: string, note: { saved?: boolean; stopped?: boolean; refusal?: string }): string {
  const lang = a.language;
  const vi = lang === 'vi';
  const language = vi ? Language.vi : Language.en;
  const when = sessionWhen(a.session.startsAt.toISOString(), a.session.endsAt.toISOString(), language);
  const status = STATUS[a.assignment.status]?.[lang] ?? a.assignment.status;
  const open = a.session.status === 'planned' && (a.assignment.status === 'pending' || a.assignment.status === 'accepted');
  const message = note.refusal
    ? `<p role="alert" style="color:#b91c1c"><strong>${escapeHtml(refusalText(note.refusal, lang))}</strong></p>`
    : note.saved
      ? `<p role="status"><strong>${escapeHtml(vi ? 'Đã ghi nhận câu trả lời của bạn. Cảm ơn!' : 'Your answer is recorded. Thank you!')}</strong></p>`
      : note.stopped
        ? `<p role="status"><strong>${escapeHtml(vi ? 'Bạn sẽ không nhận tin nhắn Zalo và SMS nữa; thông báo sẽ gửi qua e-mail nếu có.' : 'You will get no more Zalo or SMS messages; notices go by e-mail if you have an address.')}</strong></p>`
        : '';
  const button = 'border:0;padding:12px 20px;border-radius:6px;font-size:16px;color:#fff';
  const accept =
    open && a.assignment.status === 'pending'
      ? `<form method="post" action="${escapeHtml(actionUrl)}"><input type="hidden" name="answer" value="accept"><button type="submit" style="${button};background:#15803d">${escapeHtml(vi ? 'Nhận lời' : 'Accept')}</button></form>`
      : '';
  const decline = open
    ? `<form method="post" action="${escapeHtml(actionUrl)}" style="margin-top:16px"><input type="hidden" name="answer" value="decline">
<label for="reason">${escapeHtml(vi ? 'Lý do từ chối' : 'Why you decline')}</label><br>
<textarea id="reason" name="reason" rows="3" maxlength="500" required minlength="3" style="width:100%;font-size:16px"></textarea><br>
<button type="submit" style="${button};background:#b91c1c">${escapeHtml(vi ? 'Từ chối' : 'Decline')}</button></form>`
    : '';
  const stop = a.phoneChannels.length
    ? `<form method="post" action="${escapeHtml(actionUrl)}" style="margin-top:32px"><input type="hidden" name="answer" value="stop-phone"><button type="submit" style="background:none;border:0;padding:0;color:#374151;text-decoration:underline;font-size:14px">${escapeHtml(vi ? 'Ngừng nhận tin nhắn qua Zalo và SMS' : 'Stop Zalo and SMS messages')}</button></form>`
    : '';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>cdtg</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2937;max-width:560px;margin:0 auto;padding:24px">
<p>${escapeHtml(vi ? `Xin chào ${a.fullName},` : `Hello ${a.fullName},`)}</p>
${message}
<h1 style="font-size:20px">${escapeHtml(a.session.title)}</h1>
<p>${escapeHtml(`${when} (${vi ? 'giờ Việt Nam' : 'Vietnam time'})`)}<br>${escapeHtml(a.session.place)}</p>
<p>${escapeHtml(vi ? 'Trả lời của bạn' : 'Your answer')}: <strong data-status="${escapeHtml(a.assignment.status)}">${escapeHtml(status)}</strong></p>
${accept}${decline}${stop}
</body></html>`;
}

const PROBLEMS = {
  'not-found': {
    vi: [
      'Đường dẫn không hợp lệ',
      'Đường dẫn này không đúng, đã bị sửa hoặc không còn dùng được. Vui lòng mở lại đường dẫn trong tin nhắn, hoặc báo cán bộ phường/xã.',
    ],
    en: ['This link does not work', 'This link is wrong, was altered or is no longer valid. Open the link in your message again, or tell your ward officer.'],
  },
  error: {
    vi: ['Có lỗi xảy ra', 'Không xử lý được yêu cầu lúc này. Vui lòng thử lại sau ít phút, hoặc báo cán bộ phường/xã.'],
    en: ['Something went wrong', 'Your request could not be handled just now. Please try again in a few minutes, or tell your ward officer.'],
  },
} as const;

/** A broken or unknown link (404), or an error (500): Vietnamese first, English below; the member's language is not known. */
export function linkProblemPage(kind: keyof typeof PROBLEMS): string {
  const p = PROBLEMS[kind];
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>cdtg</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2937;max-width:560px;margin:0 auto;padding:24px" data-problem="${kind}">
<h1 style="font-size:20px">${escapeHtml(p.vi[0])}</h1>
<p>${escapeHtml(p.vi[1])}</p>
<hr style="border:0;border-top:1px solid #e5e7eb;margin:24px 0">
<div lang="en" style="color:#4b5563"><h2 style="font-size:17px">${escapeHtml(p.en[0])}</h2>
<p>${escapeHtml(p.en[1])}</p></div>
</body></html>`;
}
