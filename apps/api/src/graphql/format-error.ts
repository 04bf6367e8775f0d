import { HttpException, Logger } from '@nestjs/common';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLFormattedError } from 'graphql';
import { ClientErrorCode, clientCode, DomainError, FieldProblem, Reason } from '@cdtg/errors';

export { clientCode } from '@cdtg/errors';
export type { ClientErrorCode } from '@cdtg/errors';

const HTTP_CODES: Record<number, ClientErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
};

/**
 * Errors of the database connection (not of a query): the client should retry. TypeORM answers a query on a
 * transaction whose connection was cut mid-way (a PostgreSQL restart) with QueryRunnerProviderAlreadyReleasedError.
 * Deadlocks (two batches upserting the same households in different orders) are retryable too.
 */
function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; name?: string };
  const text = e?.message ?? '';
  return (
    // The connection of a transaction died (PostgreSQL restarted): TypeORM released it, and the COMMIT was never sent.
    e?.name === 'QueryRunnerProviderAlreadyReleasedError' ||
    e?.name === 'QueryRunnerAlreadyReleasedError' ||
    // A deadlock victim or a serialization failure: the whole transaction was rolled back, the same request may succeed.
    (e?.name === 'QueryFailedError' && (e.code === '40P01' || e.code === '40001')) ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(e?.code ?? '') ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(
      text,
    )
  );
}

/**
 * PostgreSQL refusing a value the client sent (SQLSTATE class 22, data exception: an id that is not a UUID, a number
 * or date out of range, a NUL character; 54000: a value too long for an index). Whatever slipped past validation, it
 * is the input's fault, not the server's: BAD_USER_INPUT, nothing was written (the transaction rolled back).
 */
function isBadValue(error: unknown): boolean {
  const e = error as { code?: unknown; name?: string };
  return e?.name === 'QueryFailedError' && typeof e.code === 'string' && (e.code.startsWith('22') || e.code === '54000');
}

const logger = new Logger('GraphQL');

/**
 * Apollo's formatError: domain and HTTP errors keep their meaning, GraphQL's own validation errors pass through,
 * lost database connections become SERVICE_UNAVAILABLE (retryable), anything else is logged and reported as
 * INTERNAL_SERVER_ERROR without details. Never a stack trace or SQL.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) {
    return {
      ...base,
      message: original.message,
      extensions: {
        code: clientCode(original.code),
        // Why, for clients to translate (the message is English): the error's reason, and each field's.
        reason: original.reason,
        ...(Object.keys(original.params).length > 0 ? { params: original.params } : {}),
        ...(original.fields.length > 0 ? { fields: original.fields.map((f) => ({ ...f, reason: f.reason ?? Reason.Invalid })) satisfies FieldProblem[] } : {}),
        ...(original.retryAfterSeconds !== undefined ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
      },
    };
  }
  if (original instanceof HttpException) {
    const code = HTTP_CODES[original.getStatus()] ?? 'INTERNAL_SERVER_ERROR';
    return { ...base, message: code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : original.message, extensions: { code } };
  }
  if (isUnavailable(original)) {
    return {
      ...base,
      message: 'The service is temporarily unavailable; retry shortly',
      extensions: { code: 'SERVICE_UNAVAILABLE', reason: Reason.Unavailable, retryAfterSeconds: 2 },
    };
  }
  if (isBadValue(original)) {
    logger.warn(`A value refused by the database in ${formatted.path?.join('.') ?? 'request'}: ${(original as Error).message}`);
    return { ...base, message: 'A value in the input is malformed or out of range', extensions: { code: 'BAD_USER_INPUT', reason: Reason.Invalid } };
  }
  const code = formatted.extensions?.code;
  // Errors raised by GraphQL itself (syntax, validation, variable coercion) are safe to show as they are.
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
    const reason = reasonOf(formatted, original);
    return { ...base, extensions: { code, ...(reason ? { reason } : {}) } };
  }
  logger.error({ err: original }, `Unexpected error in ${formatted.path?.join('.') ?? 'request'}: ${(original as Error)?.message}`);
  return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** The typed reason of an error GraphQL raised from ours (a scalar refusing a value), wherever Apollo re-wrapped it. */
function reasonOf(formatted: GraphQLFormattedError, error: unknown): string | null {
  if (typeof formatted.extensions?.reason === 'string') return formatted.extensions.reason;
  for (
    let e = error as { originalError?: unknown; extensions?: { reason?: unknown } } | undefined, depth = 0;
    e && depth < 5;
    e = e.originalError as typeof e, depth++
  ) {
    if (typeof e.extensions?.reason === 'string') return e.extensions.reason;
  }
  return null;
}

/** GraphQL's "Did you mean …?" hints, which spell out names of the schema to whoever probes it. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * Production's formatError: as formatGraphqlError, without field, argument, type or enum value suggestions in any
 * message (validation errors, and variable coercion errors, which Apollo's hideSchemaDetailsFromClientErrors misses).
 */
export function formatGraphqlErrorWithoutSuggestions(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const result = formatGraphqlError(formatted, error);
  const message = result.message.replace(SUGGESTION, '');
  return message === result.message ? result : { ...result, message };
}
