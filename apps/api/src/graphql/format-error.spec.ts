import { ForbiddenException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { DomainError, Reason, ErrorCode } from '@cdtg/errors';
import { clientCode, formatGraphqlError } from './format-error';

const wrap = (original: unknown) => new GraphQLError('x', { originalError: original as Error, path: ['f'] });
const formatted = (code = 'INTERNAL_SERVER_ERROR') => ({ message: 'raw', path: ['f'], extensions: { code } });

describe('formatGraphqlError', () => {
  it('maps every domain code', () => {
    for (const code of Object.values(ErrorCode)) expect(clientCode(code)).toMatch(/^[A-Z_]+$/);
  });

  it('keeps a domain error with its fields', () => {
    const out = formatGraphqlError(formatted(), wrap(DomainError.invalid('input.phone', Reason.NotAPhone)));
    expect(out.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'NOT_A_PHONE',
      fields: [{ path: ['input', 'phone'], message: 'is not a Vietnamese phone number', reason: 'NOT_A_PHONE' }],
    });
    // With parameters: the error's and the field's, for clients to translate.
    const long = formatGraphqlError(formatted(), wrap(DomainError.invalid('input.note', Reason.TooLong, { max: 1000 })));
    expect(long.extensions).toMatchObject({ reason: 'TOO_LONG', params: { max: 1000 }, fields: [{ reason: 'TOO_LONG', params: { max: 1000 } }] });
    expect(long.message).toBe('input.note: must be at most 1000 characters');
  });

  it('maps HTTP exceptions', () => {
    expect(formatGraphqlError(formatted(), wrap(new ForbiddenException())).extensions?.code).toBe('FORBIDDEN');
  });

  it('turns a lost database connection into a retryable SERVICE_UNAVAILABLE', () => {
    const out = formatGraphqlError(formatted(), wrap(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })));
    expect(out.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 });
  });

  it('treats a transaction whose connection was cut (PostgreSQL restarted mid-request) as unavailable, not internal', () => {
    const cut = Object.assign(new Error('Database connection provided by a query runner was already released'), {
      name: 'QueryRunnerProviderAlreadyReleasedError',
    });
    expect(formatGraphqlError(formatted(), wrap(cut)).extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 });
    // …or its COMMIT found the runner already released (seen by the fault tests).
    const released = Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), { name: 'QueryRunnerAlreadyReleasedError' });
    expect(formatGraphqlError(formatted(), wrap(released)).extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 });
  });

  it('answers a deadlock victim (rolled back whole) with the retryable SERVICE_UNAVAILABLE', () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { name: 'QueryFailedError', code: '40P01' });
    expect(formatGraphqlError(formatted(), wrap(deadlock)).extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 2 });
  });

  it('answers BAD_USER_INPUT when PostgreSQL refuses a value (an id that is not a UUID), without the SQL', () => {
    const refused = Object.assign(new Error('invalid input syntax for type uuid: "|x"'), {
      name: 'QueryFailedError',
      code: '22P02',
      query: 'SELECT * FROM training_session',
    });
    const out = formatGraphqlError(formatted(), wrap(refused));
    expect(out).toMatchObject({ message: 'A value in the input is malformed or out of range', extensions: { code: 'BAD_USER_INPUT' } });
    expect(JSON.stringify(out)).not.toContain('training_session');
  });

  it('hides unexpected errors', () => {
    const out = formatGraphqlError(formatted(), wrap(new Error('relation "secret_table" does not exist')));
    expect(out).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(out)).not.toContain('secret_table');
  });

  it('passes GraphQL validation errors through', () => {
    expect(formatGraphqlError(formatted('GRAPHQL_VALIDATION_FAILED'), new GraphQLError('Cannot query field')).extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
  });
});
