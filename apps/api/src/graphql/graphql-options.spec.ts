import { loadConfig } from '@cdtg/config';
import { parse } from 'graphql';
import { graphqlOptions } from './graphql-options';
import { operationDepth } from './query-limits.plugin';

describe('GraphQL options', () => {
  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db:5432/cdtg', REDIS_URL: 'redis://r:6379', SMTP_URL: 'smtp://m:25', AUTH_SECRET: 'k'.repeat(40), HOUSEHOLD_KEYS: `1:${'h'.repeat(40)}` };

  it('turns introspection and the landing page off in production unless enabled', () => {
    expect(graphqlOptions(loadConfig(production)).introspection).toBe(false);
    expect(graphqlOptions(loadConfig({ ...production, GRAPHQL_INTROSPECTION: 'true' })).introspection).toBe(true);
    expect(graphqlOptions(loadConfig({ NODE_ENV: 'development' })).introspection).toBe(true);
  });

  it('measures depth through fragments, ignoring introspection fields', () => {
    expect(operationDepth(parse(`{ a { b { c } } }`))).toBe(3);
    expect(operationDepth(parse(`query { a { ...F } } fragment F on A { b { c { d } } }`))).toBe(4);
    expect(operationDepth(parse(`{ __schema { types { fields { type { ofType { name } } } } } }`))).toBe(0);
  });
});
