import { randomBytes } from 'node:crypto';
import { loadConfig } from '@cdtg/config';
import { GraphQLError, parse } from 'graphql';
import { graphqlOptions } from './graphql-options';
import { operationDepth } from './query-limits.plugin';

describe('GraphQL options', () => {
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://u@db:5432/cdtg',
    REDIS_URL: 'redis://r:6379',
    SMTP_URL: 'smtp://m:25',
    AUTH_SECRET: randomBytes(32).toString('base64'),
    HOUSEHOLD_KEYS: `1:${randomBytes(32).toString('base64')}`,
  };

  it('turns introspection and the landing page off in production unless enabled', () => {
    expect(graphqlOptions(loadConfig(production)).introspection).toBe(false);
    expect(graphqlOptions(loadConfig({ ...production, GRAPHQL_INTROSPECTION: 'true' })).introspection).toBe(true);
    expect(graphqlOptions(loadConfig({ NODE_ENV: 'development' })).introspection).toBe(true);
  });

  it('hides "Did you mean" suggestions in production only', () => {
    const validation = new GraphQLError('Cannot query field "mee" on type "Query". Did you mean "me"?', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    const coercion = new GraphQLError(
      'Variable "$p" got invalid value "DAYY"; Value "DAYY" does not exist in "Period" enum. Did you mean the enum value "DAY" or "DAYS"?',
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
    const prod = graphqlOptions(loadConfig(production));
    const dev = graphqlOptions(loadConfig({ NODE_ENV: 'development' }));
    expect(prod.hideSchemaDetailsFromClientErrors).toBe(true);
    expect(dev.hideSchemaDetailsFromClientErrors).toBe(false);
    expect(prod.formatError!(validation.toJSON(), validation)).toMatchObject({
      message: 'Cannot query field "mee" on type "Query".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(prod.formatError!(coercion.toJSON(), coercion).message).toBe(
      'Variable "$p" got invalid value "DAYY"; Value "DAYY" does not exist in "Period" enum.',
    );
    expect(dev.formatError!(validation.toJSON(), validation).message).toContain('Did you mean "me"?');
  });

  it('measures depth through fragments, ignoring introspection fields', () => {
    expect(operationDepth(parse(`{ a { b { c } } }`))).toBe(3);
    expect(operationDepth(parse(`query { a { ...F } } fragment F on A { b { c { d } } }`))).toBe(4);
    expect(operationDepth(parse(`{ __schema { types { fields { type { ofType { name } } } } } }`))).toBe(0);
  });
});
