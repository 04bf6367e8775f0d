import { escapeHtml } from '@cdtg/notifications';
import type { AgendaPreference } from '@cdtg/sessions';

/**
 * The page behind the weekly e-mail's unsubscribe link: the member's choice, and one button that changes it
 * (a form POST: opening the link, as mail scanners do, changes nothing).
 */
export function agendaPreferencePage(p: AgendaPreference, actionUrl: string, changed: boolean): string {
  const vi = p.language === 'vi';
  const state = p.subscribed
    ? vi
      ? 'Bạn đang nhận thư lịch tập huấn hằng tuần (sáng thứ Hai).'
      : 'You receive the weekly training agenda e-mail (Monday mornings).'
    : vi
      ? 'Bạn đã hủy đăng ký thư lịch tập huấn hằng tuần. Thư báo phân công, thay đổi lịch và nhắc lịch vẫn được gửi.'
      : 'You no longer receive the weekly agenda e-mail. Assignment, change and reminder notices still come.';
  const done = changed ? `<p><strong>${escapeHtml(vi ? 'Đã lưu lựa chọn của bạn.' : 'Your choice is saved.')}</strong></p>` : '';
  const label = p.subscribed
    ? vi
      ? 'Hủy đăng ký thư hằng tuần'
      : 'Unsubscribe from the weekly e-mail'
    : vi
      ? 'Nhận lại thư hằng tuần'
      : 'Receive the weekly e-mail again';
  const action = `${actionUrl}&subscribe=${p.subscribed ? 'false' : 'true'}`;
  return `<!doctype html>
<html lang="${p.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>cdtg</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2937;max-width:560px;margin:0 auto;padding:24px">
<p>${escapeHtml(vi ? `Xin chào ${p.fullName},` : `Hello ${p.fullName},`)}</p>
${done}<p>${escapeHtml(state)}</p>
<form method="post" action="${escapeHtml(action)}"><button type="submit" style="background:#b91c1c;color:#fff;border:0;padding:12px 20px;border-radius:6px;font-size:16px">${escapeHtml(label)}</button></form>
</body></html>`;
}
