import { AddressInfo } from 'node:net';
import { INestApplication, Module } from '@nestjs/common';
import { argon2idHasher } from '@cdtg/accounts';
import { loadConfig } from '@cdtg/config';
import { CoreModule, createApp } from '@cdtg/runtime';
import { TimeModule } from '@cdtg/time';
import { DataSource } from 'typeorm';
import { ApiModule } from '../../apps/api/src/api.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';

export interface BenchApp {
  app: INestApplication;
  url: string;
  /** A GraphQL request as the benchmark administrator. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ data: T | null; errors?: { message: string }[] }>;
  close(): Promise<void>;
}

/**
 * The environment of the benchmarks' API and worker (in this process, or as child processes): rate limits off, a high
 * cost limit, day-long access tokens, a cheap password hash, the queue under its own prefix.
 */
export function benchEnvironment(databaseUrl: string, options: { redisUrl: string; prefix: string }): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: options.prefix,
    DATA_DIR: `.data/bench-${options.prefix}`,
    OUTBOX_POLL_MS: '200',
    DATABASE_POOL_SIZE: '10',
    PASSWORD_HASH_MEMORY_KIB: '8192',
    RATE_LIMIT_PER_USER: '0',
    RATE_LIMIT_PER_ADDRESS: '0',
    GRAPHQL_MAX_COMPLEXITY: '1000000',
    ACCESS_TOKEN_TTL_SECONDS: '86400',
  };
}

/** The API (and, unless `worker` is false, the worker) in this process, on a random port, against `databaseUrl`. */
export async function startBenchApp(databaseUrl: string, options: { worker: boolean; redisUrl: string; prefix: string }): Promise<BenchApp> {
  const config = loadConfig({}, benchEnvironment(databaseUrl, options));

  @Module({ imports: [CoreModule.forRoot(config, { app: 'api', readinessRequiresRedis: false }), TimeModule.forRoot(), ApiModule, ...(options.worker ? [WorkerModule] : [])] })
  class BenchAppModule {}

  const app = await createApp({ module: BenchAppModule });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const token = await adminToken(app, url);
  return {
    app,
    url,
    async gql<T>(query: string, variables?: Record<string, unknown>) {
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as { data: T | null; errors?: { message: string }[] };
    },
    close: () => app.close(),
  };
}

/** An administrator account for the benchmarks (created once), signed in through the real signIn mutation. */
async function adminToken(app: INestApplication, url: string): Promise<string> {
  const account = { email: 'bench.admin@cdtg.test', password: 'bench-admin-password-2026' };
  await ensureBenchAccount(app.get(DataSource), { ...account, displayName: 'Bench', grant: { role: 'ADMIN' } });
  return benchSignIn(url, account.email, account.password);
}

/** One grant of a benchmark account: a role, on a unit or a group (or neither, for ADMIN). */
export interface BenchGrant {
  role: string;
  unitId?: string | null;
  groupId?: string | null;
}

/**
 * A benchmark account (created once, by e-mail, with the benchmark environment's password cost) holding `grant`
 * (added when the account has no such active grant). Returns the account's id.
 */
export async function ensureBenchAccount(
  dataSource: DataSource,
  account: { email: string; password: string; displayName?: string; memberId?: string; grant: BenchGrant },
): Promise<string> {
  let [user] = (await dataSource.query(`SELECT id FROM user_account WHERE email = $1`, [account.email])) as { id: string }[];
  if (!user) {
    const name = account.displayName ?? account.email.split('@')[0];
    [user] = (await dataSource.query(
      `INSERT INTO user_account (email, display_name, name_search, password_hash, status, member_id) VALUES ($1, $2, lower($2), $3, 'active', $4) RETURNING id`,
      [account.email, name, await argon2idHasher(8192).hash(account.password), account.memberId ?? null],
    )) as { id: string }[];
  }
  const { role, unitId = null, groupId = null } = account.grant;
  await dataSource.query(
    `INSERT INTO role_grant (user_id, role, unit_id, group_id)
       SELECT $1, $2, $3::uuid, $4::uuid WHERE NOT EXISTS (SELECT 1 FROM role_grant WHERE user_id = $1 AND role = $2
         AND unit_id IS NOT DISTINCT FROM $3::uuid AND group_id IS NOT DISTINCT FROM $4::uuid AND revoked_at IS NULL)`,
    [user.id, role, unitId, groupId],
  );
  return user.id;
}

/** Signs a benchmark account in through the real signIn mutation; its access token. */
export async function benchSignIn(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `mutation($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { accessToken } }`, variables: { e: email, p: password } }),
  });
  const body = (await res.json()) as { data?: { signIn: { accessToken: string } }; errors?: unknown };
  if (!body.data) throw new Error(`bench sign-in of ${email} failed: ${JSON.stringify(body.errors)}`);
  return body.data.signIn.accessToken;
}
