import { DataSource } from 'typeorm';
import { DomainError } from '@cdtg/errors';
import { decodeCursor, encodeCursor, Page, PageRequest, toPage } from './pagination';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Builds a list query: numbered parameters, WHERE clauses and the CTEs they need. */
export class SqlBuilder {
  readonly where: string[] = [];
  readonly params: unknown[] = [];
  readonly ctes: string[] = [];

  /** Adds a parameter and returns its placeholder ($n). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** The WITH clause (every CTE may be recursive), or nothing. */
  get with(): string {
    return this.ctes.length ? `WITH RECURSIVE ${this.ctes.join(',\n')} ` : '';
  }
}

const whereOf = (clauses: string[]) => (clauses.length ? `WHERE ${clauses.join(' AND ')}` : '');

/**
 * One count and one page query with keyset pagination: rows after the cursor's (key, id), `first + 1` of them to
 * know whether more follow. `key` must be a text expression (it is compared with the cursor's text).
 */
export async function keysetPage<T extends { id: string }>(
  dataSource: DataSource,
  sql: SqlBuilder,
  q: { select: string; from: string; key: string; id: string; idType?: 'uuid' | 'bigint'; descending?: boolean },
  page: PageRequest,
  map: (row: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const [{ count }] = (await dataSource.query(`${sql.with}SELECT count(*)::int AS count FROM ${q.from} ${whereOf(sql.where)}`, sql.params)) as {
    count: number;
  }[];
  const clauses = [...sql.where];
  if (page.after) {
    const [k, id] = decodeCursor(page.after);
    // A tampered cursor is a clear input error, not a database error.
    if (!(q.idType === 'bigint' ? /^\d{1,19}$/ : UUID).test(id)) throw DomainError.invalid('after', 'is not a cursor returned by this list');
    clauses.push(`(${q.key}, ${q.id}) ${q.descending ? '<' : '>'} (${sql.param(String(k))}, ${sql.param(id)}::${q.idType ?? 'uuid'})`);
  }
  const direction = q.descending ? ' DESC' : '';
  const rows = (await dataSource.query(
    `${sql.with}SELECT ${q.select}, ${q.key} AS sort_key FROM ${q.from} ${whereOf(clauses)} ORDER BY ${q.key}${direction}, ${q.id}${direction} LIMIT ${sql.param(page.first + 1)}`,
    sql.params,
  )) as Record<string, unknown>[];
  const keyed = rows.map((r) => ({ node: map(r), key: String(r.sort_key) }));
  const result = toPage(keyed, page.first, count, (x) => encodeCursor(x.key, x.node.id));
  return { ...result, items: result.items.map((i) => ({ node: i.node.node, cursor: i.cursor })) };
}

/** An entity from a raw row of its table (snake_case columns), via TypeORM's own column metadata. */
export function hydrate<T extends object>(dataSource: DataSource, entity: new () => T, row: Record<string, unknown>): T {
  const repository = dataSource.getRepository(entity);
  const fields = repository.metadata.columns.map((c) => [c.propertyName, row[c.databaseName]]);
  return repository.create(Object.fromEntries(fields) as T);
}
