import { Reason, ReasonParams, reasonText } from './reasons';

/** Every kind of refusal. Mapped to a GraphQL code in exactly one place (apps/api); `Reason` says why in detail. */
export enum ErrorCode {
  InvalidInput = 'INVALID_INPUT',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  Forbidden = 'FORBIDDEN',
  Unauthenticated = 'UNAUTHENTICATED',
  RateLimited = 'RATE_LIMITED',
  Unavailable = 'UNAVAILABLE',
}

/**
 * One problem with one input field: `path` is the field's path in the input, e.g. ["input", "members", 3, "phone"];
 * `reason` and `params` say why (clients translate them); `message` is the reason's English text.
 */
export interface FieldProblem {
  path: (string | number)[];
  message: string;
  reason: Reason;
  params?: ReasonParams;
}

/** A field problem with its English message made from the reason. */
export function problem(path: string | (string | number)[], reason: Reason, params?: ReasonParams): FieldProblem {
  return { path: Array.isArray(path) ? path : path.split('.'), reason, ...(params ? { params } : {}), message: reasonText(reason, params) };
}

/** The reason an error of this kind has when none is given. */
const DEFAULT_REASON: Record<ErrorCode, Reason> = {
  [ErrorCode.InvalidInput]: Reason.Invalid,
  [ErrorCode.NotFound]: Reason.NotFound,
  [ErrorCode.Conflict]: Reason.Conflict,
  [ErrorCode.Forbidden]: Reason.Forbidden,
  [ErrorCode.Unauthenticated]: Reason.Unauthenticated,
  [ErrorCode.RateLimited]: Reason.RateLimited,
  [ErrorCode.Unavailable]: Reason.Unavailable,
};

export const FORBIDDEN_MESSAGE = 'You do not have access to this';

/** An expected refusal, safe to show to the client. Thrown by services; never carries SQL or stack details to clients. */
export class DomainError extends Error {
  /** Why, for clients to translate (the first field's reason for one bad field). */
  readonly reason: Reason;
  readonly params: ReasonParams;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
    /** Seconds after which retrying may succeed (rate limits, unavailable dependencies). */
    readonly retryAfterSeconds?: number,
    why?: { reason: Reason; params?: ReasonParams },
  ) {
    super(message);
    this.name = 'DomainError';
    const only = fields.length === 1 ? fields[0] : undefined;
    this.reason = why?.reason ?? only?.reason ?? DEFAULT_REASON[code];
    this.params = why?.params ?? only?.params ?? {};
  }

  /** An error of a kind with its reason; the message is the reason's English text. */
  static of(code: ErrorCode, reason: Reason, params?: ReasonParams, extra: { retryAfterSeconds?: number; field?: string } = {}): DomainError {
    const fields = extra.field ? [problem(extra.field, reason, params)] : [];
    return new DomainError(code, reasonText(reason, params), fields, extra.retryAfterSeconds, { reason, params });
  }

  /** One bad field and why. */
  static invalid(field: string | (string | number)[], reason: Reason, params?: ReasonParams): DomainError {
    const path = Array.isArray(field) ? field : field.split('.');
    const found = problem(path, reason, params);
    return new DomainError(ErrorCode.InvalidInput, `${path.join('.')}: ${found.message}`, [found]);
  }

  /** Several bad fields at once: the message lists each "path: reason". */
  static invalidFields(fields: FieldProblem[]): DomainError {
    return new DomainError(ErrorCode.InvalidInput, `Invalid input: ${fields.map((f) => `${f.path.join('.')}: ${f.message}`).join('; ')}`, fields);
  }

  /** The one refusal of access: it never says whether the object exists. */
  static forbidden(): DomainError {
    return new DomainError(ErrorCode.Forbidden, FORBIDDEN_MESSAGE);
  }

  static notFound(what: string): DomainError {
    return new DomainError(ErrorCode.NotFound, `${what} not found`, [], undefined, { reason: Reason.NotFound, params: { what } });
  }

  /** A change the current state refuses, and why (on a field when one is named). */
  static conflict(reason: Reason, params?: ReasonParams, field?: string): DomainError {
    return DomainError.of(ErrorCode.Conflict, reason, params, { field });
  }
}
