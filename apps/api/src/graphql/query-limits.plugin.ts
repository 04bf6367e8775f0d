import { Reason } from '@cdtg/errors';
import { ApolloServerPlugin } from '@apollo/server';
import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLNamedType,
  GraphQLSchema,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { ComplexityEstimator, fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { argumentCost, FIELD_COSTS, MAX_ALIASES, MAX_ALIASES_EXPENSIVE, MAX_SELECTIONS } from './field-costs';

/**
 * Connections cost their page size (`first`) times their fields (their `edges` are not counted again); other lists
 * count as 10 items.
 */
const listEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const first = typeof args.first === 'number' ? args.first : null;
  if (first !== null) return 1 + first * childComplexity;
  if (field.name === 'edges') return childComplexity;
  if (isListType(getNullableType(field.type))) return 1 + 10 * childComplexity;
  return undefined;
};

/**
 * The fields of FIELD_COSTS cost their own price instead of the 1 of a plain field (coverage questions by what their
 * arguments ask for: argumentCost), on top of their selection (a list or connection still counts its items as
 * listEstimator does).
 */
export function fieldCostEstimator(costs: Readonly<Record<string, number>> = FIELD_COSTS): ComplexityEstimator {
  return (options) => {
    const key = `${options.type.name}.${options.field.name}`;
    const cost = costs === FIELD_COSTS ? argumentCost(key, options.args) : costs[key];
    if (cost === undefined) return undefined;
    const plain = listEstimator(options) ?? 1 + options.childComplexity;
    return plain - 1 + cost;
  };
}

/** The estimators, first answer wins: priced fields, `complexity` set on a decorator, lists and connections, 1 each. */
export const ESTIMATORS: ComplexityEstimator[] = [fieldCostEstimator(), fieldExtensionsEstimator(), listEstimator, simpleEstimator({ defaultComplexity: 1 })];

function parseOperation(document: DocumentNode, operationName?: string | null) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations.find((o) => !operationName || o.name?.value === operationName) ?? operations[0];
  return { fragments, operation };
}

/** How deep the fields of an operation nest (fragments followed, each measured once; introspection fields not counted). */
export function operationDepth(document: DocumentNode, operationName?: string | null): number {
  const { fragments, operation } = parseOperation(document, operationName);
  // A fragment's depth does not depend on where it is spread: measured once, so spreading fragments many times
  // over does not multiply the work.
  const measured = new Map<string, number>();
  const depth = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
    if (!set) return 0;
    let max = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value.startsWith('__')) continue;
        max = Math.max(max, 1 + depth(s.selectionSet, seen));
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, depth(s.selectionSet, seen));
      } else if (!seen.has(s.name.value)) {
        const name = s.name.value;
        if (!measured.has(name)) measured.set(name, depth(fragments.get(name)?.selectionSet, new Set([...seen, name])));
        max = Math.max(max, measured.get(name)!);
      }
    }
    return max;
  };
  return operation ? depth(operation.selectionSet, new Set()) : 0;
}

const tooComplex = (message: string, reason?: string) =>
  new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', ...(reason ? { reason } : {}), http: { status: 400 } } });

export interface AliasLimits {
  /** Distinct selections (aliases) of one field at one level; default MAX_ALIASES. */
  maxAliases?: number;
  /** The same for the priced fields; default MAX_ALIASES_EXPENSIVE. */
  maxExpensiveAliases?: number;
  /** `Type.field` → cost; the fields listed are the expensive ones. Default FIELD_COSTS. */
  costs?: Readonly<Record<string, number>>;
  /** Field selections visited (fragments expanded) before giving up; default MAX_SELECTIONS. */
  maxSelections?: number;
}

interface Selected {
  name: string;
  parent: GraphQLNamedType | undefined;
  sets: SelectionSetNode[];
}

export interface QueryProblem {
  message: string;
  reason: Reason.TooManyAliases | Reason.TooManySelections;
}

/**
 * The first field selected under more distinct aliases at one level than allowed, or null. A level is
 * one selection set as GraphQL merges it: fragments and inline fragments are expanded into it, and selections with
 * the same response name (the same field asked twice under one name) count once, since they run once. Each field
 * of the `costs` table may appear `maxExpensiveAliases` times at a level, any other field `maxAliases` times.
 */
export function aliasProblem(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null, limits: AliasLimits = {}): QueryProblem | null {
  const maxAliases = limits.maxAliases ?? MAX_ALIASES;
  const maxExpensive = limits.maxExpensiveAliases ?? MAX_ALIASES_EXPENSIVE;
  const costs = limits.costs ?? FIELD_COSTS;
  const maxSelections = limits.maxSelections ?? MAX_SELECTIONS;
  const { fragments, operation } = parseOperation(document, operationName);
  if (!operation) return null;
  let visited = 0;

  const typeNamed = (name: string | undefined, fallback: GraphQLNamedType | undefined) => (name ? (schema.getType(name) ?? undefined) : fallback);
  const fieldType = (parent: GraphQLNamedType | undefined, name: string): GraphQLNamedType | undefined =>
    parent && (isObjectType(parent) || isInterfaceType(parent))
      ? parent.getFields()[name]
        ? getNamedType(parent.getFields()[name].type)
        : undefined
      : undefined;

  const level = (parent: GraphQLNamedType | undefined, sets: SelectionSetNode[], path: string): QueryProblem | null => {
    const byKey = new Map<string, Selected>();
    const spread = new Set<string>();
    const collect = (set: SelectionSetNode, type: GraphQLNamedType | undefined) => {
      for (const s of set.selections) {
        if (++visited > maxSelections) return;
        if (s.kind === Kind.FIELD) {
          const key = (s as FieldNode).alias?.value ?? s.name.value;
          const entry = byKey.get(key) ?? { name: s.name.value, parent: type, sets: [] };
          byKey.set(key, entry);
          if (s.selectionSet) entry.sets.push(s.selectionSet);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          collect(s.selectionSet, typeNamed(s.typeCondition?.name.value, type));
        } else if (!spread.has(s.name.value)) {
          // A fragment spread twice into one level adds nothing the first spread did not.
          spread.add(s.name.value);
          const fragment = fragments.get(s.name.value);
          if (fragment) collect(fragment.selectionSet, typeNamed(fragment.typeCondition.name.value, type));
        }
      }
    };
    for (const set of sets) collect(set, parent);
    if (visited > maxSelections)
      return { message: `The operation selects more than ${maxSelections} fields once its fragments are expanded`, reason: Reason.TooManySelections };

    const counts = new Map<string, { count: number; expensive: boolean }>();
    for (const { name, parent: owner } of byKey.values()) {
      const key = `${owner?.name ?? '?'}.${name}`;
      const seen = counts.get(key) ?? { count: 0, expensive: costs[key] !== undefined };
      seen.count++;
      counts.set(key, seen);
    }
    for (const [key, { count, expensive }] of counts) {
      const limit = expensive ? maxExpensive : maxAliases;
      if (count > limit) {
        const where = path ? `inside ${path}` : 'at the top level';
        const message = `The operation selects ${key} ${count} times ${where} (under different aliases); the limit is ${limit}${expensive ? ' for this expensive field' : ''}`;
        return { message, reason: Reason.TooManyAliases };
      }
    }
    for (const [key, { name, parent: owner, sets: children }] of byKey) {
      if (!children.length) continue;
      const problem = level(fieldType(owner, name), children, path ? `${path}.${key}` : key);
      if (problem) return problem;
    }
    return null;
  };
  return level(schema.getRootType(operation.operation) ?? undefined, [operation.selectionSet], '');
}

/**
 * Refuses, before anything runs, operations nested deeper than `maxDepth`, selecting one field under too many aliases
 * at one level (see aliasProblem), or estimated above `maxComplexity` (priced fields: field-costs.ts).
 */
export function queryLimitsPlugin(limits: { maxDepth: number; maxComplexity: number } & AliasLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const depth = operationDepth(document, request.operationName);
          if (depth > limits.maxDepth) throw tooComplex(`The operation nests ${depth} levels deep; the limit is ${limits.maxDepth}`, 'TOO_DEEP');
          const aliases = aliasProblem(schema, document, request.operationName, limits);
          if (aliases) throw tooComplex(aliases.message, aliases.reason);
          let complexity: number;
          try {
            complexity = getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              operationName: request.operationName ?? undefined,
              estimators: ESTIMATORS,
            });
          } catch (error) {
            // The estimate coerces variables first: a bad variable is the client's error, named as GraphQL would.
            const reason = (error as GraphQLError).extensions?.reason;
            throw new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT', ...(reason ? { reason } : {}), http: { status: 400 } } });
          }
          if (complexity > limits.maxComplexity) {
            throw tooComplex(
              `The operation is too expensive (estimated cost ${complexity}, limit ${limits.maxComplexity}); ask for smaller pages or fewer fields`,
              'TOO_EXPENSIVE',
            );
          }
        },
      };
    },
  };
}
