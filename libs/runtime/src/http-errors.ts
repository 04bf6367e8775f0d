import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { clientCode, DomainError, HTTP_STATUS, Reason } from '@cdtg/errors';

/**
 * Every error answered outside GraphQL execution (a body too large or not JSON, an unknown route, a REST controller's
 * refusal, a failure of Express itself) is JSON in the GraphQL error shape, in every mode:
 * `{"errors":[{"message":"…","extensions":{"code":"…","reason"?:"…"}}]}`. Never a stack trace, a file path or SQL:
 * what is not a deliberate client error becomes 500 INTERNAL_SERVER_ERROR without details, and is logged.
 */
export interface HttpErrorAnswer {
  status: number;
  message: string;
  code: string;
  /** A stable, translatable refusal reason (e.g. REQUEST_TOO_LARGE). */
  reason?: string;
  /** More extensions (fields, retryAfterSeconds), as GraphQL errors carry them. */
  extensions?: Record<string, unknown>;
}

/** extensions.code of a client error, by HTTP status. */
const CODES: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

const logger = new Logger('HttpErrors');

const INTERNAL: HttpErrorAnswer = { status: 500, message: 'Internal server error', code: 'INTERNAL_SERVER_ERROR' };

/** An error of the `http-errors` kind (body-parser, router, send): a numeric status and an `expose` flag. */
interface StatusError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  limit?: unknown;
  message?: unknown;
}

function statusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as StatusError;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : null;
  return status !== null && Number.isInteger(status) && status >= 400 && status < 600 ? status : null;
}

/**
 * The answer to an error of the HTTP layer: a domain error (DomainError, mapped as GraphQL maps it), a Nest HttpException (a controller's deliberate refusal, Nest's 404 of an
 * unknown route, a URI that does not decode), a body-parser error (too large, not JSON, bad charset) or another
 * `http-errors` error. Null for anything else (a database error, a bug): the caller decides.
 */
export function transportErrorAnswer(error: unknown): HttpErrorAnswer | null {
  if (error instanceof DomainError) {
    // A service's refusal reached through a REST route: the code it has in GraphQL, with its status.
    const code = clientCode(error.code);
    const extensions = {
      ...(Object.keys(error.params).length ? { params: error.params } : {}),
      ...(error.fields.length ? { fields: error.fields } : {}),
      ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    };
    return { status: HTTP_STATUS[code], message: error.message, code, reason: error.reason, extensions };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status >= 500)
      return status === 503
        ? { status, message: 'The service is temporarily unavailable; retry shortly', code: 'SERVICE_UNAVAILABLE' }
        : { ...INTERNAL, status };
    return { status, message: error.message, code: CODES[status] ?? 'BAD_REQUEST' };
  }
  const status = statusOf(error);
  if (status === null) return null;
  const e = error as StatusError;
  if (e.type === 'entity.too.large' || status === 413) {
    const limit = typeof e.limit === 'number' ? ` of ${e.limit} bytes` : '';
    return { status: 413, message: `The request body is larger than the limit${limit}`, code: 'PAYLOAD_TOO_LARGE', reason: Reason.RequestTooLarge };
  }
  if (e.type === 'entity.parse.failed' || (status === 400 && error instanceof SyntaxError)) {
    // The parser's own message quotes the body: not echoed.
    return { status: 400, message: 'The request body is not valid JSON', code: 'BAD_USER_INPUT', reason: Reason.MalformedJson };
  }
  if (status === 400 && error instanceof URIError)
    return { status: 400, message: 'The request URI is malformed', code: 'BAD_USER_INPUT', reason: Reason.MalformedUri };
  if (status >= 500) return { ...INTERNAL, status: status === 503 ? 503 : 500 };
  // `expose` false: the message is not meant for clients (e.g. a file system error from `send`).
  const message = e.expose === true && typeof e.message === 'string' && e.message.length <= 200 ? e.message : (STATUS_CODES[status] ?? 'Bad request');
  return { status, message, code: CODES[status] ?? 'BAD_REQUEST' };
}

/** The answer to any error: transport errors as they are, everything else a logged 500 without details. */
export function httpErrorAnswer(error: unknown, where = 'HTTP request'): HttpErrorAnswer {
  const answer = transportErrorAnswer(error);
  if (answer && answer.status < 500) return answer;
  logger.error({ err: error }, `Unexpected error in ${where}: ${(error as Error)?.message ?? String(error)}`);
  return answer ?? INTERNAL;
}

/** The JSON body of an answer. */
export function httpErrorBody(answer: HttpErrorAnswer): { errors: { message: string; extensions: Record<string, unknown> }[] } {
  const extensions: Record<string, unknown> = { code: answer.code, ...(answer.reason ? { reason: answer.reason } : {}), ...answer.extensions };
  return { errors: [{ message: answer.message, extensions }] };
}

/** Writes the answer (or, when the response has already started, ends it). */
export function sendHttpError(res: Response, answer: HttpErrorAnswer): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res
    .status(answer.status)
    .type('application/json; charset=utf-8')
    .set('Cache-Control', 'no-store')
    .send(JSON.stringify(httpErrorBody(answer)));
}

const describe = (req: Request | undefined) => (req ? `${req.method} ${(req.originalUrl ?? req.url ?? '').split('?')[0]}` : 'HTTP request');

/**
 * Express error middleware, mounted right after the body parsers: their errors (413, malformed JSON, unsupported
 * charset) are answered here, before Nest's router and whatever filters the application has.
 */
export function httpErrorMiddleware(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  sendHttpError(res, httpErrorAnswer(error, describe(req)));
}

/**
 * The global exception filter of every process built by createApp (the worker's health endpoints included): HTTP
 * errors as JSON. Other contexts (GraphQL) get the exception back, for their own error formatting.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'http') return exception;
    const http = host.switchToHttp();
    sendHttpError(http.getResponse<Response>(), httpErrorAnswer(exception, describe(http.getRequest<Request>())));
    return undefined;
  }
}
