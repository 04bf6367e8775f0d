/** Every reason a domain operation can refuse. Mapped to a GraphQL code in exactly one place (apps/api). */
export enum ErrorCode {
  InvalidInput = 'INVALID_INPUT',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  Forbidden = 'FORBIDDEN',
  Unauthenticated = 'UNAUTHENTICATED',
  RateLimited = 'RATE_LIMITED',
  Unavailable = 'UNAVAILABLE',
}

/** One problem with one input field: `path` is the field's path in the input, e.g. ["input", "members", 3, "phone"]. */
export interface FieldProblem {
  path: (string | number)[];
  message: string;
}

export const FORBIDDEN_MESSAGE = 'You do not have access to this';

/** An expected refusal, safe to show to the client. Thrown by services; never carries SQL or stack details to clients. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
    /** Seconds after which retrying may succeed (rate limits, unavailable dependencies). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static invalid(field: string | (string | number)[], message: string): DomainError {
    const path = Array.isArray(field) ? field : field.split('.');
    return new DomainError(ErrorCode.InvalidInput, `${path.join('.')}: ${message}`, [{ path, message }]);
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
    return new DomainError(ErrorCode.NotFound, `${what} not found`);
  }

  static conflict(message: string, field?: string): DomainError {
    return new DomainError(ErrorCode.Conflict, message, field ? [{ path: field.split('.'), message }] : []);
  }
}
