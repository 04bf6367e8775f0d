import { BadRequestException, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { DomainError, Reason, ErrorCode } from '@cdtg/errors';
import { httpErrorAnswer, httpErrorBody, transportErrorAnswer } from './http-errors';

/** An error as body-parser / http-errors make them. */
const httpError = (status: number, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { status, statusCode: status, expose: status < 500, ...extra });

describe('HTTP errors outside GraphQL', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => (logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined)));
  afterEach(() => logged.mockRestore());

  it('answers body-parser errors with a clear message, not the parser’s', () => {
    expect(transportErrorAnswer(httpError(413, 'request entity too large', { type: 'entity.too.large', limit: 4096 }))).toEqual({
      status: 413,
      message: 'The request body is larger than the limit of 4096 bytes',
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'REQUEST_TOO_LARGE',
    });
    const parse = Object.assign(new SyntaxError(`Unexpected token 's', "{"password": secret" is not valid JSON`), {
      status: 400,
      type: 'entity.parse.failed',
      body: '{"password": secret',
    });
    expect(transportErrorAnswer(parse)).toMatchObject({
      status: 400,
      code: 'BAD_USER_INPUT',
      reason: 'MALFORMED_JSON',
      message: 'The request body is not valid JSON',
    });
    expect(transportErrorAnswer(httpError(415, 'unsupported charset "KLINGON"', { type: 'charset.unsupported' }))).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  });

  it('answers a domain error reached through a REST route as GraphQL would, with its status', () => {
    expect(transportErrorAnswer(DomainError.forbidden())).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(httpErrorBody(transportErrorAnswer(DomainError.invalid('input.note', Reason.TooLong, { max: 1000 }))!)).toEqual({
      errors: [
        {
          message: 'input.note: must be at most 1000 characters',
          extensions: {
            code: 'BAD_USER_INPUT',
            reason: 'TOO_LONG',
            params: { max: 1000 },
            fields: [{ path: ['input', 'note'], message: 'must be at most 1000 characters', reason: 'TOO_LONG', params: { max: 1000 } }],
          },
        },
      ],
    });
    expect(transportErrorAnswer(new DomainError(ErrorCode.RateLimited, 'slow down', [], 30))).toMatchObject({
      status: 429,
      extensions: { retryAfterSeconds: 30 },
    });
  });

  it('keeps the status and message of deliberate HTTP exceptions', () => {
    expect(transportErrorAnswer(new NotFoundException('No such calendar'))).toEqual({ status: 404, message: 'No such calendar', code: 'NOT_FOUND' });
    expect(transportErrorAnswer(new BadRequestException("Failed to decode param '%E0'"))).toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
    expect(httpErrorAnswer(new ServiceUnavailableException('pool exhausted at /work/x.ts'))).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: 'The service is temporarily unavailable; retry shortly',
    });
  });

  it('answers anything else with a logged 500 without details', () => {
    const bug = Object.assign(new Error('relation "secret_table" does not exist'), { query: 'SELECT * FROM secret_table' });
    const answer = httpErrorAnswer(bug, 'GET /exports/x');
    expect(answer).toEqual({ status: 500, message: 'Internal server error', code: 'INTERNAL_SERVER_ERROR' });
    expect(logged).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(httpErrorBody(answer))).toBe('{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}');
    // An `http-errors` error not meant for clients (expose: false), e.g. a file system error from `send`.
    expect(httpErrorAnswer(httpError(404, "ENOENT: no such file or directory, stat '/work/main/dist/web/x'", { expose: false }))).toEqual({
      status: 404,
      message: 'Not Found',
      code: 'NOT_FOUND',
    });
    expect(httpErrorAnswer('a string thrown')).toMatchObject({ status: 500, code: 'INTERNAL_SERVER_ERROR' });
  });
});
