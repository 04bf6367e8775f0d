import { Reason } from '@cdtg/errors';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/**
 * The spellings PostgreSQL accepts for one UUID: upper or lower case, with or without the dashes, in braces. Every
 * one of them names the same row, so an access check that compares text must see one spelling only.
 */
const ANY_SPELLING = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

/** The canonical spelling (lower case, dashed) of a UUID, or null when the value is not one. */
export function canonicalUuid(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const m = ANY_SPELLING.exec(value.trim());
  return m ? m.slice(1, 6).join('-').toLowerCase() : null;
}

/**
 * A plain Error (not a GraphQLError) on purpose: graphql-js wraps it with the variable's or argument's name and keeps
 * it as the originalError, whose extensions (the typed reason) reach the client.
 */
class InvalidIdError extends Error {
  readonly extensions = { code: 'BAD_USER_INPUT', reason: Reason.InvalidId };
}

const invalid = (value: unknown) =>
  new InvalidIdError(`is not an id (a UUID such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301): ${JSON.stringify(value)?.slice(0, 60)}`);

/**
 * Every id argument and id field of an input is a UUID, parsed here, once, at the boundary: any spelling PostgreSQL
 * would accept is turned into the canonical one, anything else is refused before a resolver or an access rule runs.
 * So no resolver, access check or service ever sees two spellings of one id. (A test walks the schema: no argument
 * or input field may use GraphQL's ID, and every `id`, `ids`, `…Id` and `…Ids` argument is a UUID.)
 */
export const UUID = new GraphQLScalarType<string, string>({
  name: 'UUID',
  description: 'A UUID. Accepted in any spelling PostgreSQL accepts (upper case, no dashes, braces); always answered lower case and dashed.',
  serialize(value) {
    const id = canonicalUuid(value);
    if (!id) throw new GraphQLError('UUID cannot represent a value that is not a UUID');
    return id;
  },
  parseValue(value) {
    const id = canonicalUuid(value);
    if (!id) throw invalid(value);
    return id;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalid(ast.kind === Kind.INT || ast.kind === Kind.FLOAT || ast.kind === Kind.ENUM ? ast.value : ast.kind);
    return this.parseValue!(ast.value);
  },
});
