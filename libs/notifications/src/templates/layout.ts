import { Language } from '../language';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** Files sent with the message (an iCalendar event; a spreadsheet, base64-encoded). */
  attachments?: { filename: string; content: string; contentType: string; encoding?: 'base64' }[];
  /** Extra headers (List-Unsubscribe for optional e-mails). */
  headers?: Record<string, string>;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML. Every parameter goes through here before it reaches a template's HTML. */
export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const FOOTER: Record<Language, string> = {
  [Language.vi]: 'Thư này được gửi tự động từ hệ thống điều phối Tổ công nghệ số cộng đồng (cdtg). Vui lòng không trả lời thư này.',
  [Language.en]: 'This message was sent automatically by the community digital technology groups platform (cdtg). Please do not reply.',
};

/** A call-to-action link styled as a button (the same link is always in the plain-text part too). */
export const button = (link: string, label: string) =>
  `<a href="${escapeHtml(link)}" style="display:inline-block;background:#b91c1c;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold">${escapeHtml(label)}</a>`;

/** Wraps paragraphs in the plain-text and HTML shells shared by every e-mail. */
export function layout(language: Language, subject: string, paragraphs: { text: string; html?: string }[]): RenderedEmail {
  const text = [...paragraphs.map((p) => p.text), '--', FOOTER[language]].join('\n\n');
  const body = paragraphs.map((p) => `<p style="margin:0 0 16px">${p.html ?? escapeHtml(p.text)}</p>`).join('\n');
  const html = `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2937;max-width:600px;margin:0 auto;padding:24px">
${body}
<hr style="border:none;border-top:1px solid #e5e7eb;margin:24px 0">
<p style="font-size:12px;color:#6b7280">${escapeHtml(FOOTER[language])}</p>
</body></html>`;
  return { subject, text, html };
}
