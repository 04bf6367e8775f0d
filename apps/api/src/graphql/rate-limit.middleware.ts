import { Injectable, Logger, NestMiddleware, OnModuleDestroy } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type IORedis from 'ioredis';
import { AuthService } from '@cdtg/accounts';
import { AppConfig } from '@cdtg/config';
import { createRedisConnection } from '@cdtg/queue';
import { bearerToken } from '../access/access.guard';

const WINDOW_MS = 60_000;

/**
 * Fixed one-minute windows per key. Counted in Redis when configured, so every API instance shares the count;
 * in memory otherwise, and also while Redis does not answer (the API keeps serving, each instance counting alone).
 */
export class RequestCounter {
  private readonly memory = new Map<string, number>();
  private memoryWindow = 0;
  private warned = false;
  private readonly logger = new Logger('RateLimit');

  constructor(
    private readonly redis: IORedis | null,
    private readonly prefix: string,
  ) {}

  /** Counts a hit and returns the count in the current window with the seconds until it ends. */
  async hit(key: string, now = Date.now()): Promise<{ count: number; resetSeconds: number }> {
    const window = Math.floor(now / WINDOW_MS);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    if (this.redis) {
      try {
        const redisKey = `${this.prefix}:rl:${key}:${window}`;
        const result = await this.redis.multi().incr(redisKey).pexpire(redisKey, WINDOW_MS * 2).exec();
        const count = Number(result?.[0]?.[1]);
        if (Number.isFinite(count)) return { count, resetSeconds };
      } catch (error) {
        if (!this.warned) this.logger.warn(`Redis unavailable for rate limits, counting in memory: ${(error as Error).message}`);
        this.warned = true;
      }
    }
    if (window !== this.memoryWindow) {
      this.memory.clear();
      this.memoryWindow = window;
    }
    const count = (this.memory.get(key) ?? 0) + 1;
    this.memory.set(key, count);
    return { count, resetSeconds };
  }

  close(): void {
    this.redis?.disconnect();
  }
}

/**
 * Limits GraphQL requests per client address and, for signed-in requests, per user (RATE_LIMIT_PER_ADDRESS,
 * RATE_LIMIT_PER_USER per minute). Over the limit: HTTP 429 with Retry-After and a RATE_LIMITED GraphQL error.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware, OnModuleDestroy {
  private readonly counter: RequestCounter;

  constructor(
    private readonly config: AppConfig,
    private readonly auth: AuthService,
  ) {
    const redis = config.REDIS_URL ? createRedisConnection(config.REDIS_URL, 'producer', 'cdtg-rate-limit') : null;
    this.counter = new RequestCounter(redis, config.QUEUE_PREFIX);
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const checks: [string, number][] = [[`addr:${req.ip ?? 'unknown'}`, this.config.RATE_LIMIT_PER_ADDRESS]];
    const token = bearerToken(req as never);
    const claims = token ? this.auth.tokens.verify(token) : null;
    if (claims) checks.push([`user:${claims.sub}`, this.config.RATE_LIMIT_PER_USER]);
    for (const [key, limit] of checks) {
      if (limit === 0) continue;
      const { count, resetSeconds } = await this.counter.hit(key);
      if (count > limit) {
        const who = key.startsWith('user:') ? 'for this account' : 'from this address';
        res
          .status(429)
          .set('Retry-After', String(resetSeconds))
          .json({ errors: [{ message: `Too many requests ${who} (limit ${limit} a minute); retry in ${resetSeconds} seconds`, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: resetSeconds } }] });
        return;
      }
    }
    next();
  }

  onModuleDestroy(): void {
    this.counter.close();
  }
}
