import { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { AppConfig } from '@cdtg/config';
import { screamingEnumValues } from './enum-names';
import { formatGraphqlError, formatGraphqlErrorWithoutSuggestions } from './format-error';
import { queryLimitsPlugin } from './query-limits.plugin';

/**
 * Apollo settings: code-first schema, no stack traces, depth, alias and cost limits, introspection and landing page
 * only when enabled. In production, no "Did you mean …?" suggestions (they spell out the schema to whoever probes it
 * with introspection off): Apollo's hideSchemaDetailsFromClientErrors for validation errors, and formatError for the
 * rest (variable coercion). Enum values are named in SCREAMING_SNAKE_CASE (enum-names.ts).
 */
export function graphqlOptions(config: AppConfig): Omit<ApolloDriverConfig, 'driver'> {
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    transformSchema: screamingEnumValues,
    introspection: config.introspection,
    playground: false,
    plugins: [
      config.introspection ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
      queryLimitsPlugin({ maxDepth: config.GRAPHQL_MAX_DEPTH, maxComplexity: config.GRAPHQL_MAX_COMPLEXITY }),
    ],
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.isProduction,
    formatError: config.isProduction ? formatGraphqlErrorWithoutSuggestions : formatGraphqlError,
    context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
  };
}
