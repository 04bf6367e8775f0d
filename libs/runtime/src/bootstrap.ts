import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppConfig, ConfigError, loadConfig } from '@cdtg/config';
import { assertDatabaseReachable, startEmbeddedPostgres } from '@cdtg/database';
import { redisAnswers } from '@cdtg/queue';
import { join } from 'node:path';
import { HttpErrorFilter, httpErrorMiddleware } from './http-errors';

export { HttpErrorFilter, httpErrorAnswer, httpErrorBody, httpErrorMiddleware, sendHttpError, transportErrorAnswer } from './http-errors';
export type { HttpErrorAnswer } from './http-errors';

const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

/** Prints one line and exits: how every start-up refusal ends. */
export function fail(message: string): never {
  process.stderr.write(`cdtg: ${message}\n`);
  process.exit(1);
}

/** Loads the configuration or exits with one line naming every bad variable. */
export function configOrExit(overrides: Record<string, string> = {}): AppConfig {
  try {
    return loadConfig(undefined, overrides);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/**
 * Development defaults for `npm start`: an embedded PostgreSQL under DATA_DIR when DATABASE_URL is unset, Redis at
 * 127.0.0.1:6379 if it answers (otherwise jobs run in process), mail written to files. Production never gets here
 * without all three configured (loadConfig refuses it).
 */
export async function resolveDevelopmentServices(config: AppConfig): Promise<{ config: AppConfig; stop: () => Promise<void>; notes: string[] }> {
  const overrides: Record<string, string> = {};
  const notes: string[] = [];
  let stop: () => Promise<void> = async () => undefined;
  if (!config.DATABASE_URL) {
    const embedded = await startEmbeddedPostgres({ dir: join(config.DATA_DIR, 'postgres'), port: config.EMBEDDED_DATABASE_PORT });
    overrides.DATABASE_URL = embedded.url;
    stop = embedded.stop;
    notes.push(`database: embedded PostgreSQL (${join(config.DATA_DIR, 'postgres')}, port ${config.EMBEDDED_DATABASE_PORT})`);
  }
  if (!config.REDIS_URL) {
    if (await redisAnswers(DEFAULT_REDIS)) {
      overrides.REDIS_URL = DEFAULT_REDIS;
      notes.push(`queue: BullMQ on ${DEFAULT_REDIS}`);
    } else {
      notes.push('queue: WARNING no Redis at 127.0.0.1:6379, jobs run inside this process (development only)');
    }
  }
  if (!config.SMTP_URL) notes.push(`mail: written as .eml files under ${join(config.DATA_DIR, 'mail')}`);
  return { config: loadConfig(undefined, overrides), stop, notes };
}

/** Fails with one line when DATABASE_URL is missing or does not answer. */
export async function requireDatabase(config: AppConfig, hint: string): Promise<string> {
  if (!config.DATABASE_URL) fail(`DATABASE_URL is not set (${hint})`);
  try {
    await assertDatabaseReachable(config.DATABASE_URL);
  } catch (error) {
    fail((error as Error).message);
  }
  return config.DATABASE_URL;
}

/**
 * Creates the Nest application with JSON logs, a bounded request body (MAX_REQUEST_BYTES; larger requests get 413),
 * the client address taken from TRUST_PROXY_HOPS proxies, and graceful shutdown on SIGTERM/SIGINT. Every error
 * outside GraphQL answers JSON in the GraphQL error shape, in every mode (never Express's HTML page with a stack):
 * body-parser errors right after the parser, the rest through the global HttpErrorFilter.
 */
export async function createApp(module: DynamicModule): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, abortOnError: false, bodyParser: false });
  app.useLogger(app.get(PinoLogger));
  const config = app.get(AppConfig);
  app.useBodyParser('json', {
    limit: config.MAX_REQUEST_BYTES,
    // Providers' delivery callbacks are signed over the bytes sent: only these keep them.
    verify: (req: { url?: string; rawBody?: Buffer }, _res: unknown, buf: Buffer) => {
      if (req.url?.startsWith('/callbacks/')) req.rawBody = buf;
    },
  });
  app.use(httpErrorMiddleware);
  app.useGlobalFilters(new HttpErrorFilter());
  app.set('trust proxy', config.TRUST_PROXY_HOPS);
  app.disable('x-powered-by');
  const server = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return app;
}

/**
 * Graceful shutdown on SIGTERM/SIGINT: readiness turns to 503, the HTTP server stops accepting and finishes
 * in-flight requests, workers finish in-flight jobs, then connections close and the process exits 0. Past
 * SHUTDOWN_GRACE_MS it exits 1 anyway.
 */
export function exitOnSignals(app: INestApplication, config: AppConfig, after: () => Promise<void> = async () => undefined): void {
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS).unref();
    app
      .close()
      .then(after)
      .then(() => process.exit(0))
      .catch((error: Error) => {
        process.stderr.write(`cdtg: shutdown failed: ${error.message}\n`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
