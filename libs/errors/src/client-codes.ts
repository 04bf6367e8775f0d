import { ErrorCode } from './domain-error';

/** The codes clients see in `extensions.code`. */
export type ClientErrorCode =
  'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'RATE_LIMITED' | 'SERVICE_UNAVAILABLE' | 'INTERNAL_SERVER_ERROR';

/** The one mapping from domain codes to client codes (GraphQL and REST alike). An unmapped ErrorCode is a compile error. */
export function clientCode(code: ErrorCode): ClientErrorCode {
  switch (code) {
    case ErrorCode.InvalidInput:
      return 'BAD_USER_INPUT';
    case ErrorCode.NotFound:
      return 'NOT_FOUND';
    case ErrorCode.Conflict:
      return 'CONFLICT';
    case ErrorCode.Forbidden:
      return 'FORBIDDEN';
    case ErrorCode.Unauthenticated:
      return 'UNAUTHENTICATED';
    case ErrorCode.RateLimited:
      return 'RATE_LIMITED';
    case ErrorCode.Unavailable:
      return 'SERVICE_UNAVAILABLE';
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped error code ${String(unmapped)}`);
    }
  }
}

/** The HTTP status of an answer outside GraphQL, by its client code. */
export const HTTP_STATUS: Record<ClientErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};
