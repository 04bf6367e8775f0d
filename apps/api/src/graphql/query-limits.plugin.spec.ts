import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DocumentNode,
  getNamedType,
  GraphQLInputType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  OperationDefinitionNode,
  parse,
  typeFromAST,
  validate,
} from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { buildApiGraphqlSchema } from '../schema-sdl';
import { FIELD_COSTS, MAX_ALIASES, MAX_ALIASES_EXPENSIVE } from './field-costs';
import { aliasProblem, ESTIMATORS, operationDepth } from './query-limits.plugin';

/** The limits of the default configuration (libs/config: GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_COMPLEXITY). */
const MAX_DEPTH = 12;
const MAX_COMPLEXITY = 20_000;

const TREND = `coverageTrend(unitCode: "48", period: MONTH, from: "2025-03-01") { source }`;
const EXPORT = `exportCoverage(unitCode: "48", level: COMMUNE, period: MONTH, format: CSV) { id }`;
const aliased = (count: number, field: string, prefix = 'a') => Array.from({ length: count }, (_, i) => `${prefix}${i}: ${field}`).join('\n');

/** Placeholder values for an operation's variables (the estimate coerces them; only `first` changes a cost). */
function placeholder(schema: GraphQLSchema, type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return placeholder(schema, type.ofType);
  if (isListType(type)) return [];
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0].name;
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return Object.fromEntries(fields.map((f) => [f.name, placeholder(schema, f.type)]));
  }
  return { Int: 1, Float: 1, Boolean: true }[named.name] ?? '00000000-0000-4000-8000-000000000000';
}

function variablesFor(schema: GraphQLSchema, document: DocumentNode): Record<string, unknown> {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const variables: Record<string, unknown> = {};
  for (const v of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, v.type as never) as GraphQLInputType | undefined;
    if (type && isNonNullType(type) && !v.defaultValue) variables[v.variable.name.value] = placeholder(schema, type);
  }
  return variables;
}

/**
 * The GraphQL documents of the web console (apps/web/src): template literals that start with `query`, `mutation` or
 * `{`, with `${NAME}` replaced by the string constants of the same file (or of lib/api.ts). Documents built at run
 * time (an interpolation that is not such a constant) are left out; the lead's one is tested on its own below.
 */
function webDocuments(): { file: string; text: string }[] {
  const root = join(__dirname, '../../../web/src');
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
  const constantsOf = (source: string) => Object.fromEntries([...source.matchAll(/const ([A-Z_]+) = (['`])([\s\S]*?)\2;/g)].map((m) => [m[1], m[3]]));
  const shared = constantsOf(readFileSync(join(root, 'lib/api.ts'), 'utf8'));
  const documents: { file: string; text: string }[] = [];
  for (const file of walk(root)) {
    const source = readFileSync(file, 'utf8');
    const constants: Record<string, string> = { ...shared, ...constantsOf(source) };
    const resolve = (text: string, depth = 0): string =>
      text.replace(/\$\{([A-Za-z_]+)\}/g, (all, name: string) => (constants[name] !== undefined && depth < 5 ? resolve(constants[name], depth + 1) : all));
    for (const m of source.matchAll(/`\s*((?:query|mutation)\b[\s\S]*?|\{\s*[a-z][\s\S]*?)`/g)) {
      const text = resolve(m[1]);
      if (!text.includes('${')) documents.push({ file: file.slice(root.length + 1), text });
    }
  }
  return documents;
}

describe('query limits', () => {
  let schema: GraphQLSchema;

  beforeAll(async () => (schema = await buildApiGraphqlSchema()));

  const problem = (query: string) => aliasProblem(schema, parse(query))?.message ?? null;
  const cost = (query: string, variables: Record<string, unknown> = {}) => getComplexity({ schema, query: parse(query), variables, estimators: ESTIMATORS });

  it('prices only fields that exist', () => {
    for (const key of Object.keys(FIELD_COSTS)) {
      const [type, field] = key.split('.');
      expect(`${key}: ${Boolean(schema.getType(type) && (schema.getType(type) as { getFields?: () => Record<string, unknown> }).getFields?.()[field])}`).toBe(
        `${key}: true`,
      );
    }
  });

  it('caps the aliases of an expensive field at one level, naming it', () => {
    expect(problem(`{ ${aliased(MAX_ALIASES_EXPENSIVE, TREND)} }`)).toBeNull();
    const refused = problem(`{ ${aliased(MAX_ALIASES_EXPENSIVE + 1, TREND)} }`);
    expect(refused).toContain('Query.coverageTrend');
    expect(refused).toContain(`limit is ${MAX_ALIASES_EXPENSIVE}`);
    expect(problem(`mutation { ${aliased(2000, EXPORT)} }`)).toContain('Mutation.exportCoverage 2000 times');
  });

  it('caps any field at MAX_ALIASES, at every level', () => {
    expect(problem(`{ ${aliased(MAX_ALIASES, 'version')} }`)).toBeNull();
    expect(problem(`{ ${aliased(MAX_ALIASES + 1, 'version')} }`)).toContain('Query.version 21 times at the top level');
    expect(problem(`{ me { ${aliased(MAX_ALIASES + 1, 'id')} } }`)).toContain('User.id 21 times inside me');
    // Aliases under different parents do not add up: 20 under each of two.
    expect(problem(`{ a: me { ${aliased(MAX_ALIASES, 'id')} } b: me { ${aliased(MAX_ALIASES, 'id')} } }`)).toBeNull();
  });

  it('counts aliases across fragments and inline fragments, and a repeated response name once', () => {
    const split = `query { ${aliased(3, TREND)} ...F ... on Query { ${aliased(2, TREND, 'c')} } } fragment F on Query { ${aliased(1, TREND, 'b')} }`;
    expect(problem(split)).toContain('Query.coverageTrend 6 times');
    // The same field under the same name, asked in several places, runs once.
    expect(problem(`query { ${aliased(5, TREND)} ...F ...F } fragment F on Query { ${aliased(5, TREND)} }`)).toBeNull();
    // Nested: a fragment's selections merge into the level they are spread in.
    expect(problem(`query { me { ...U ...V } } fragment U on User { ${aliased(11, 'id', 'u')} } fragment V on User { ${aliased(10, 'id', 'v')} }`)).toContain(
      'User.id 21 times inside me',
    );
  });

  it('refuses operations whose fragments expand past the selection budget', () => {
    // 19 × 19 × 19 × 19 selections once expanded (each fragment spread under 19 aliases), from a document of 2 KB.
    const deep = `query { ${Array.from({ length: 19 }, (_, i) => `a${i}: unitChildren(code: "48") { ...C }`).join(' ')} } fragment C on AdminUnitType { ${Array.from({ length: 19 }, (_, i) => `b${i}: parent { ...D }`).join(' ')} } fragment D on AdminUnitType { ${Array.from({ length: 19 }, (_, i) => `c${i}: parent { ...E }`).join(' ')} } fragment E on AdminUnitType { ${Array.from({ length: 19 }, (_, i) => `d${i}: parent { id }`).join(' ')} }`;
    expect(aliasProblem(schema, parse(deep))).toEqual({ reason: 'TOO_MANY_SELECTIONS', message: expect.stringContaining('more than 10000 fields') });
    // A fragment spread twice into one level is expanded once.
    expect(problem(`query { me { ...U ...U ...U } } fragment U on User { id }`)).toBeNull();
  });

  it('prices the expensive fields: many of them are too expensive even without the alias cap', () => {
    expect(cost(`{ ${aliased(1000, TREND)} }`)).toBeGreaterThan(MAX_COMPLEXITY);
    expect(cost(`mutation { ${aliased(2000, EXPORT)} }`)).toBeGreaterThan(MAX_COMPLEXITY);
    expect(cost(`{ ${TREND} }`)).toBe(FIELD_COSTS['Query.coverageTrend'] + 1);
    // A list keeps its items: lowestCoverage(first: 8) with a row of 3 fields = 3,000 + 8 × (1 + 10 × 3).
    expect(cost(`{ lowestCoverage(unitCode: "48", level: COMMUNE, first: 8) { rows { entries households coveragePercent } } }`)).toBe(
      FIELD_COSTS['Query.lowestCoverage'] + 8 * 31,
    );
    // Unpriced fields are as before.
    expect(cost(`{ version me { id } }`)).toBe(3);
  });

  it('prices a coverage question by the cells it asks for: units at the level × periods in the range', () => {
    const coverage = (args: string) => cost(`{ coverage(unitCode: "48", ${args}) { source } }`);
    expect(coverage('level: COMMUNE, period: CUMULATIVE')).toBe(FIELD_COSTS['Query.coverage'] + 1);
    // The city's communes by week over 70 weeks (3.5 s measured): alone under the budget, twice over it.
    const weekly = coverage('level: COMMUNE, period: WEEK, from: "2025-07-01", to: "2026-11-01"');
    expect(weekly).toBeGreaterThan(10_000);
    expect(
      cost(
        `{ a: coverage(unitCode: "48", level: COMMUNE, period: WEEK, from: "2025-07-01", to: "2026-11-01") { source } b: coverage(unitCode: "48", level: COMMUNE, period: WEEK, from: "2025-07-01", to: "2026-11-01") { source } }`,
      ),
    ).toBeGreaterThan(MAX_COMPLEXITY);
    // Every residential group of a city, by month over two years: refused at the gate.
    expect(coverage('level: RESIDENTIAL_GROUP, period: MONTH, from: "2024-12-01", to: "2026-11-30"')).toBeGreaterThan(MAX_COMPLEXITY);
    expect(cost(`{ coverageTrend(unitCode: "48", period: DAY, from: "2025-10-01", to: "2026-11-04") { source } }`)).toBeGreaterThan(1_000);
    // A range longer than the domain allows (400 periods) passes the gate at its table price: the domain refuses it
    // at once, naming `from`.
    expect(coverage('level: COMMUNE, period: DAY, from: "2020-01-01", to: "2026-01-01"')).toBe(FIELD_COSTS['Query.coverage'] + 1);
  });

  it('keeps every document of the web console within the limits', () => {
    const documents = webDocuments();
    expect(documents.length).toBeGreaterThanOrEqual(25);
    // The lead's setup asks, per unit its group's households live in (one, or a few after a split), a unit and its children.
    const codes = ['20209-01', '20209-02', '20209-03'];
    documents.push({
      file: 'lead/LeadHome.tsx (3 units)',
      text: `query(${codes.map((_, i) => `$c${i}: String!`).join(', ')}) { ${codes.map((_, i) => `u${i}: unit(code: $c${i}) { id code name } k${i}: unitChildren(code: $c${i}) { id code name }`).join(' ')} }`,
    });
    for (const { file, text } of documents) {
      const document = parse(text);
      expect(
        `${file}: ${validate(schema, document)
          .map((e) => e.message)
          .join('; ')}`,
      ).toBe(`${file}: `);
      const depth = operationDepth(document);
      const aliases = aliasProblem(schema, document);
      const complexity = getComplexity({ schema, query: document, variables: variablesFor(schema, document), estimators: ESTIMATORS });
      // On failure the message names the document with its figures (the heaviest today: 6,001, officer/Calendar.tsx).
      expect(`${file}: depth ${depth}, cost ${complexity}, ${aliases?.message ?? 'aliases ok'}`).toBe(
        `${file}: depth ${depth}, cost ${Math.min(complexity, MAX_COMPLEXITY)}, aliases ok`,
      );
      expect(depth).toBeLessThanOrEqual(MAX_DEPTH);
    }
  });
});
