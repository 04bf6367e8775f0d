import {
  Compilable,
  CompiledQuery,
  DummyDriver,
  Expression,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  RawBuilder,
  SelectQueryBuilder,
  sql,
} from 'kysely';
import { DomainError, Reason } from '@cdtg/errors';
import { decodeCursor, encodeCursor, Page, PageRequest, toPage } from './pagination';

/**
 * Typed SQL. Queries are written with Kysely's builder against the generated schema (db.generated.ts), compiled to
 * SQL and parameters here, and run through TypeORM's connection: a DataSource, or the EntityManager / QueryRunner of
 * a transaction (Kysely never holds a connection, so TypeORM's transactions stay the only ones).
 *
 * Each lib builds its own instance over the tables it owns (`queryBuilder<Pick<DB, 'member' | …>>()` in its db.ts):
 * naming another lib's table, or a column that a migration renamed, is a compile error. Another lib's rows are read
 * through that lib's exported functions (read ports), which may hand back a subquery to compose.
 */
export function queryBuilder<Tables>(): Kysely<Tables> {
  return new Kysely<Tables>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

/** Anything TypeORM can run a statement on: a DataSource, an EntityManager or a QueryRunner. */
export interface Executor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

const compiler = queryBuilder<unknown>();

/** A builder or a `sql` template: both compile to SQL and numbered parameters. */
export type TypedQuery<O> = Compilable<O> | RawBuilder<O>;

export function compile<O>(query: TypedQuery<O>): CompiledQuery<O> {
  return query instanceof Object && 'isRawBuilder' in query && (query as RawBuilder<O>).isRawBuilder
    ? (query as RawBuilder<O>).compile(compiler)
    : (query as Compilable<O>).compile();
}

/** TypeORM answers UPDATE and DELETE with [rows, rowCount], other statements with the rows. */
function split(result: unknown): { rows: unknown[]; count?: number } {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return { rows: result[0], count: result[1] };
  return { rows: result as unknown[] };
}

/** Every row the query returns, typed by the query. */
export async function all<O>(on: Executor, query: TypedQuery<O>): Promise<O[]> {
  const { sql, parameters } = compile(query);
  return split(await on.query(sql, parameters as unknown[])).rows as O[];
}

/** The first row, or undefined. */
export async function first<O>(on: Executor, query: TypedQuery<O>): Promise<O | undefined> {
  return (await all(on, query))[0];
}

/** Runs an UPDATE or DELETE and returns how many rows it touched (an INSERT: how many rows it returned). */
export async function affected(on: Executor, query: TypedQuery<unknown>): Promise<number> {
  const { sql, parameters } = compile(query);
  const { rows, count } = split(await on.query(sql, parameters as unknown[]));
  return count ?? rows.length;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How a keyset-paginated list is ordered: a text sort key, then the row id as tie-breaker. */
export interface KeysetOrder {
  /** A text expression (it is compared with the cursor's text). */
  key: Expression<string>;
  /** The id column reference, e.g. 's.id'. */
  id: string;
  idType?: 'uuid' | 'bigint';
  descending?: boolean;
}

/**
 * One count and one page query over a typed list query (its FROM, JOINs, WHERE and select list) with keyset pagination:
 * rows after the cursor's (key, id), `first + 1` of them to know whether more follow.
 */
export async function keysetPageOf<O, T extends { id: string }>(
  on: Executor,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any FROM clause: the rows are typed by O
  query: SelectQueryBuilder<any, any, O>,
  order: KeysetOrder,
  page: PageRequest,
  map: (row: O) => T,
): Promise<Page<T>> {
  const counted = compiler
    .selectFrom(
      query
        .clearSelect()
        .select(sql<number>`1`.as('one'))
        .as('q'),
    )
    .select(sql<number>`count(*)::int`.as('count'));
  const [{ count }] = await all(on, counted);
  const id = sql.ref(order.id);
  let rows = query.select(sql<string>`${order.key}`.as('sort_key'));
  if (page.after) {
    const [k, after] = decodeCursor(page.after);
    // A tampered cursor is a clear input error, not a database error.
    if (!(order.idType === 'bigint' ? /^\d{1,19}$/ : UUID).test(after)) throw DomainError.invalid('after', Reason.NotACursor);
    const cursor = sql`(${String(k)}::text, ${after}::${sql.raw(order.idType ?? 'uuid')})`;
    rows = rows.where(sql<boolean>`(${order.key}, ${id}) ${sql.raw(order.descending ? '<' : '>')} ${cursor}`);
  }
  const direction = order.descending ? 'desc' : 'asc';
  const fetched = await all(
    on,
    rows
      .orderBy(sql`${order.key}`, direction)
      .orderBy(id, direction)
      .limit(page.first + 1),
  );
  const keyed = fetched.map((r) => ({ node: map(r as O), key: String((r as { sort_key: string }).sort_key) }));
  const result = toPage(keyed, page.first, count, (x) => encodeCursor(x.key, x.node.id));
  return { ...result, items: result.items.map((i) => ({ node: i.node.node, cursor: i.cursor })) };
}

/** `column = ANY(values)`: a list as one array parameter of a PostgreSQL type (`.where('m.id', '=', anyOf(ids, 'uuid'))`). */
export const anyOf = (values: readonly unknown[], type: 'uuid' | 'text' | 'date' | 'bigint') => sql<string>`ANY(${[...values]}::${sql.raw(type)}[])`;

/** The PostgreSQL type of each column of rows written in bulk (`unnestRows`), e.g. { id: 'uuid', skills: 'text[]' }. */
export type PgTypes<R> = { [K in keyof R]-?: string };

/** The columns of `types`, in their order (the column list of an INSERT … SELECT from `unnestRows`). */
export function columnsOf<R>(types: PgTypes<R>): (keyof R & string)[] {
  return Object.keys(types) as (keyof R & string)[];
}

/** The rows in pieces of `size` (a statement's worth). */
export function chunked<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += size) out.push(rows.slice(start, start + size));
  return out;
}

/**
 * Rows written in bulk, close to COPY in speed: `(SELECT … FROM unnest($1::uuid[], $2::text[], …) AS u(col, …)) AS t`,
 * one array parameter per column, in the order of `types`. unnest flattens a text[][] into text, so an array column
 * travels as one literal per row ('{a,b}': plain codes, no quotes, commas or braces inside) and is cast back.
 */
export function unnestRows<R>(rows: R[], types: PgTypes<R>) {
  const columns = columnsOf(types);
  const arrays = columns.map((column) => {
    const type = types[column];
    if (!type.endsWith('[]')) return sql`${rows.map((row) => row[column])}::${sql.raw(type)}[]`;
    return sql`${rows.map((row) => `{${(row[column] as string[]).join(',')}}`)}::text[]`;
  });
  const selects = columns.map((column) => (types[column].endsWith('[]') ? sql`${sql.ref(`u.${column}`)}::${sql.raw(types[column])}` : sql.ref(`u.${column}`)));
  return sql<R>`(SELECT ${sql.join(selects)} FROM unnest(${sql.join(arrays)}) AS u(${sql.join(columns.map((column) => sql.id(column)))}))`.as('t');
}
