import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { INestApplication, Module } from '@nestjs/common';
import request from 'supertest';
import { loadConfig } from '@cdtg/config';
import { CoreModule, createApp } from '@cdtg/runtime';
import { TestClock, TimeModule } from '@cdtg/time';
import { ApiModule } from '../../apps/api/src/api.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { Role } from '@cdtg/access';
import { createTestDatabase, TestDatabase } from './database';
import { createUser, TestUser } from './users';
import { REDIS_URL } from './test-env';

export interface TestAppOptions {
  /** Environment overrides (REDIS_URL, SMTP_URL, …). REDIS_URL '' means no Redis (in-process jobs). */
  env?: Record<string, string>;
  /** Also run the worker (relay + processors) in this process. Default true. */
  worker?: boolean;
  db?: TestDatabase;
  /** The application's clock (default: a TestClock that follows the machine until the test sets it). */
  clock?: TestClock;
}

export interface TestApp {
  app: INestApplication;
  db: TestDatabase;
  url: string;
  queuePrefix: string;
  /** What time it is for the application: `t.clock.set(…)` instead of waiting for a time to come. */
  clock: TestClock;
  /** A GraphQL request as the test administrator (created on first use); pass headers to act otherwise. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse<T>>;
  /** A GraphQL request with no credentials. */
  anonymous<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse<T>>;
  close(): Promise<void>;
}

export interface GqlResponse<T> {
  status: number;
  data: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; fields?: { path: (string | number)[]; message: string }[] } }[];
}

/** The real application (API + worker modules) over HTTP on a random port, against a fresh database. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const queuePrefix = `t${randomBytes(4).toString('hex')}`;
  const clock = options.clock ?? new TestClock();
  const config = loadConfig(
    {},
    {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: db.url,
      REDIS_URL: REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      DATA_DIR: `.data/test-${queuePrefix}`,
      OUTBOX_POLL_MS: '200',
      JOB_BACKOFF_MS: '100',
      DATABASE_POOL_SIZE: '5',
      // Cheaper password hashes and no request limits, unless a test is about them.
      PASSWORD_HASH_MEMORY_KIB: '8192',
      RATE_LIMIT_PER_USER: '0',
      RATE_LIMIT_PER_ADDRESS: '0',
      ...options.env,
    },
  );

  @Module({
    imports: [
      CoreModule.forRoot(config, { app: 'api', readinessRequiresRedis: false }),
      TimeModule.forRoot(clock),
      ApiModule,
      ...(options.worker === false ? [] : [WorkerModule]),
    ],
  })
  class TestAppModule {}

  const app = await createApp({ module: TestAppModule });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const send = async <T>(query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>): Promise<GqlResponse<T>> => {
    const res = await request(url).post('/graphql').set(headers).send({ query, variables });
    return { status: res.status, data: (res.body?.data ?? null) as T | null, errors: res.body?.errors };
  };
  let admin: Promise<TestUser> | null = null;
  const testApp: TestApp = {
    app,
    db,
    url,
    queuePrefix,
    clock,
    async gql<T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
      admin ??= createUser(testApp, { email: 'quan.tri@cdtg.test', role: Role.Admin });
      return send<T>(query, variables, headers ?? { authorization: `Bearer ${(await admin).accessToken}` });
    },
    anonymous: <T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => send<T>(query, variables, headers),
    async close() {
      await app.close();
      if (!options.db) await db.drop();
    },
  };
  return testApp;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000, intervalMs = 50): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
