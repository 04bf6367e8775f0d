import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';

/**
 * Runs `work` while recording every SELECT it sends through `dataSource`, then writes EXPLAIN (ANALYZE, BUFFERS) of
 * each to `dir/<name>.txt`: the plans behind the figures, with the indexes they use.
 */
export async function explainWhile(dataSource: DataSource, dir: string, name: string, work: () => Promise<unknown>): Promise<number> {
  const captured: { sql: string; params?: unknown[] }[] = [];
  const original = dataSource.query.bind(dataSource);
  (dataSource as unknown as { query: typeof original }).query = (async (sql: string, params?: unknown[]) => {
    if (/^\s*(WITH|SELECT)/i.test(sql) && !/change_event|outbox_message/.test(sql)) captured.push({ sql, params });
    return original(sql, params);
  }) as typeof original;
  try {
    await work();
  } finally {
    (dataSource as unknown as { query: typeof original }).query = original;
  }
  const parts: string[] = [];
  for (const { sql, params } of captured) {
    const plan = (await original(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)) as { 'QUERY PLAN': string }[];
    parts.push(`-- ${sql.replace(/\s+/g, ' ').trim()}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}\n`);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.txt`), parts.join('\n'));
  return captured.length;
}
