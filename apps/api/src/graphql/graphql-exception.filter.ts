import { ArgumentsHost, Catch } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { httpErrorAnswer, sendHttpError, transportErrorAnswer } from '@cdtg/runtime';
import { formatGraphqlError } from './format-error';

/** The HTTP status of a REST answer, by the GraphQL code formatGraphqlError gives it. */
const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * Hands every resolver error to Apollo's formatError (one place decides what clients see and what is logged).
 * Errors of HTTP routes (REST controllers, unknown routes, Express) answer JSON in the same GraphQL error shape:
 * HTTP errors with their status and message, domain and database errors mapped as formatError maps them, anything
 * else a logged 500 without details.
 */
@Catch()
export class GraphqlExceptionFilter implements GqlExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    const type = host.getType<string>();
    if (type === 'graphql') return exception;
    if (type !== 'http') throw exception;
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const where = `${req.method} ${(req.originalUrl ?? req.url ?? '').split('?')[0]}`;
    if (transportErrorAnswer(exception)) {
      sendHttpError(res, httpErrorAnswer(exception, where));
      return undefined;
    }
    // Logs what is not a client error, as for a resolver; `path` names the route in the log line.
    const formatted = formatGraphqlError({ message: 'Internal server error', path: [where] }, exception);
    const { code = 'INTERNAL_SERVER_ERROR', ...extensions } = (formatted.extensions ?? {}) as { code?: string } & Record<string, unknown>;
    const status = STATUS[code] ?? 500;
    sendHttpError(res, { status, code, message: formatted.message, extensions });
    return undefined;
  }
}
