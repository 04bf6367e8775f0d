import { ApiError, type FieldProblem } from './api';
import { isKey, type Translate } from './i18n';

/** The label of a field path (["input", "entries", "3", "note"] → "Ghi chú"), or the path itself. */
export function fieldLabel(t: Translate, path: (string | number)[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const key = `field.${String(path[i])}`;
    if (isKey(key)) return t(key);
  }
  return path.join('.');
}

/** "Ghi chú: looks like it holds a national ID number…" for each problem. */
export function describeProblems(t: Translate, problems: FieldProblem[]): string[] {
  return problems.map((p) => `${fieldLabel(t, p.path)}: ${p.message}`);
}

/** An API error in plain words (the user's language), with the server's detail where it helps. */
export function describeError(t: Translate, error: unknown): string {
  if (!(error instanceof ApiError)) return t('err.INTERNAL_SERVER_ERROR');
  const { code, fields, message } = error;
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
      return /wrong e-mail or password/i.test(message) ? t('err.wrongCredentials') : t('err.UNAUTHENTICATED');
    case 'CONFLICT': {
      const field = fields[0]?.path.at(-1);
      const lead = /already assigned|overlaps/i.test(message)
        ? t('err.doubleBooked')
        : field === 'role' && /slot/i.test(message)
          ? t('err.slotsFull')
          : t('err.CONFLICT');
      return `${lead} ${t('err.detail', { message })}`;
    }
    case 'BAD_USER_INPUT':
      return fields.length
        ? `${t('err.BAD_USER_INPUT')} ${describeProblems(t, fields).join('; ')}`
        : `${t('err.BAD_USER_INPUT')} ${t('err.detail', { message })}`;
    default:
      return t('err.INTERNAL_SERVER_ERROR');
  }
}
