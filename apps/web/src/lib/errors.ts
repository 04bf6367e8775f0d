import { ApiError, type FieldProblem } from './api';
import { isKey, type Translate } from './i18n';
import { reasonText, type ReasonParams } from './reasons';

const languageOf = (t: Translate) => (t('meta.language') === 'en' ? 'en' : 'vi');

/** The label of the field a path names, or null when the console has none (then the reason is said alone). */
function knownLabel(t: Translate, path: (string | number)[]): string | null {
  for (let i = path.length - 1; i >= 0; i--) {
    const key = `field.${String(path[i])}`;
    if (isKey(key)) return t(key);
  }
  return null;
}

/** A reason's text standing alone, as a sentence: "liên kết không hợp lệ" → "Liên kết không hợp lệ." */
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

/** "Ghi chú: có vẻ chứa số căn cước…" for each problem: from its reason, never the server's English. */
export function describeProblems(t: Translate, problems: FieldProblem[]): string[] {
  return problems.map((p) => {
    const why = reasonText(p.reason, p.params, languageOf(t)) ?? t('err.invalidField');
    const label = knownLabel(t, p.path);
    return label ? `${label}: ${why}` : why;
  });
}

/** A reason standing alone (an import row's problem, a job's failure) in the user's language. */
export function reasonOf(t: Translate, reason: string | null | undefined, params: ReasonParams | null | undefined): string {
  return reasonText(reason ?? undefined, params ?? undefined, languageOf(t)) ?? t('err.invalidField');
}

/** An API error in plain words in the user's language, from its code and reason (the server's English is never shown). */
export function describeError(t: Translate, error: unknown): string {
  if (!(error instanceof ApiError)) return t('err.INTERNAL_SERVER_ERROR');
  const { code, fields } = error;
  const why = reasonText(error.reason, error.params, languageOf(t));
  switch (code) {
    case 'OFFLINE':
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'SERVICE_UNAVAILABLE':
    case 'QUERY_TOO_COMPLEX':
    case 'PAYLOAD_TOO_LARGE':
    case 'INTERNAL_SERVER_ERROR':
      return t(`err.${code}`);
    case 'RATE_LIMITED':
      return t('err.RATE_LIMITED', { seconds: error.retryAfterSeconds ?? 60 });
    case 'UNAUTHENTICATED':
      // Why, when the API says more than "sign in" (a wrong password, a used or expired link, a session ended for safety).
      return why && error.reason !== 'UNAUTHENTICATED' ? sentence(why) : t('err.UNAUTHENTICATED');
    case 'CONFLICT':
      // A conflict is about the state, said as a sentence ("Người này đã được phân công…"), without the field's label.
      return why && error.reason !== 'CONFLICT' ? why : t('err.CONFLICT');
    case 'BAD_USER_INPUT':
      return fields.length ? `${t('err.BAD_USER_INPUT')} ${describeProblems(t, fields).join('; ')}` : `${t('err.BAD_USER_INPUT')}${why ? ` ${why}` : ''}`;
    default:
      return t('err.INTERNAL_SERVER_ERROR');
  }
}
