import { AddressInfo } from 'node:net';
import { INestApplication, Module } from '@nestjs/common';
import { AuthService } from '@cdtg/accounts';
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

/** The environment of the benchmarks' API and worker: no rate limits, no logs, long-lived tokens, a cheap password hash. */
export function benchEnv(databaseUrl: string, options: { redisUrl: string; prefix: string }): Record<string, string> {
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
  const config = loadConfig({}, benchEnv(databaseUrl, options));

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
  const dataSource = app.get(DataSource);
  const email = 'bench.admin@cdtg.test';
  const password = 'bench-admin-password-2026';
  const exists = (await dataSource.query(`SELECT 1 FROM user_account WHERE email = $1`, [email])).length > 0;
  if (!exists) {
    const [user] = (await dataSource.query(
      `INSERT INTO user_account (email, display_name, name_search, password_hash, status) VALUES ($1, 'Bench', 'bench', $2, 'active') RETURNING id`,
      [email, await app.get(AuthService).hasher.hash(password)],
    )) as { id: string }[];
    await dataSource.query(`INSERT INTO role_grant (user_id, role) VALUES ($1, 'ADMIN')`, [user.id]);
  }
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `mutation($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { accessToken } }`, variables: { e: email, p: password } }),
  });
  const body = (await res.json()) as { data?: { signIn: { accessToken: string } }; errors?: unknown };
  if (!body.data) throw new Error(`bench sign-in failed: ${JSON.stringify(body.errors)}`);
  return body.data.signIn.accessToken;
}
