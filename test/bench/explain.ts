import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

type ClientQuery = (this: Client, ...args: unknown[]) => unknown;

/**
 * Runs `work` while recording every SELECT any PostgreSQL client of this process sends (through TypeORM or as a
 * prepared statement), then writes EXPLAIN (ANALYZE, BUFFERS) of each to `dir/<name>.txt`: the plans behind the
 * figures, with the indexes they use.
 */
export async function explainWhile(dataSource: DataSource, dir: string, name: string, work: () => Promise<unknown>): Promise<number> {
  const captured: { sql: string; params?: unknown[] }[] = [];
  const prototype = Client.prototype as unknown as { query: ClientQuery };
  const original = prototype.query;
  prototype.query = function (this: Client, ...args: unknown[]) {
    const [first, second] = args;
    const sql = typeof first === 'string' ? first : (first as { text?: string })?.text;
    const params = typeof first === 'string' ? (second as unknown[] | undefined) : (first as { values?: unknown[] })?.values;
    if (sql && /^\s*(WITH|SELECT)/i.test(sql) && !/outbox_message|geography_version|FOR UPDATE/.test(sql)) captured.push({ sql, params: Array.isArray(params) ? params : undefined });
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    prototype.query = original;
  }
  const parts: string[] = [];
  for (const { sql, params } of captured) {
    const plan = (await dataSource.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)) as { 'QUERY PLAN': string }[];
    parts.push(`-- ${sql.replace(/\s+/g, ' ').trim()}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}\n`);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.txt`), parts.join('\n'));
  return captured.length;
}
