import { Injectable, Logger, NestMiddleware, OnModuleDestroy } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type IORedis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RateLimiterUnion, RLWrapperTimeouts } from 'rate-limiter-flexible';
import { AuthService } from '@cdtg/accounts';
import { AppConfig } from '@cdtg/config';
import { Reason, reasonText } from '@cdtg/errors';
import { createRedisConnection } from '@cdtg/queue';
import { bearerToken } from '../access/access.guard';

export interface RequestLimiterOptions {
  /** The window the limit is per, in seconds. Default 60: the configured limits are a minute's. */
  windowSeconds?: number;
  /** The window is also checked in this many slices, each allowed ⌈limit / slices⌉. Default 6 (10 seconds a slice). */
  slices?: number;
  /** A Redis answer slower than this counts as none: the request is counted in memory. Default 500 ms. */
  redisTimeoutMs?: number;
}

export interface LimiterStore {
  /** Null: counted in this process only. */
  redis: IORedis | null;
  /** Prefix of the Redis keys (QUEUE_PREFIX). */
  prefix: string;
  /** Told each time a request is counted in memory because Redis did not answer (failed, or too slow). */
  onFallback?: () => void;
}

export type LimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * `limit` requests per window and key (rate-limiter-flexible). Its windows are fixed ones that start at a key's first
 * request, so a window alone would let a client spend its whole limit at the end of one window and again at the start
 * of the next (2·limit − 1 within moments). Each key therefore also has a limit per slice of the window (a sixth by
 * default: ⌈limit/6⌉ per 10 seconds), and a request must fit both. Any span of one window length meets at most
 * slices + 1 slice windows, the first of which began (with a request) before the span; so no span of a window's length
 * admits more than min((slices + 1)·⌈limit/slices⌉ − 1, 2·limit − 1) requests: 699 for 600 a minute, where a lone
 * fixed window allows 1199. A burst is at most ⌈limit/slices⌉ (100 of 600) until the next slice.
 *
 * Counted in Redis when there is one, so every API instance shares the count. A Redis failure or an answer slower than
 * redisTimeoutMs falls back to rate-limiter-flexible's insurance limiter, in memory: the API keeps serving, each
 * instance counting alone (and afresh) until Redis answers again, then Redis's count resumes.
 */
export class RequestLimiter {
  /** Requests allowed per slice, and its length. */
  readonly sliceLimit: number;
  readonly sliceSeconds: number;
  private readonly limiters: RateLimiterUnion;

  constructor(
    store: LimiterStore,
    /** Part of the keys: "addr", "user". */
    name: string,
    readonly limit: number,
    options: RequestLimiterOptions = {},
  ) {
    const windowSeconds = options.windowSeconds ?? 60;
    const slices = options.slices ?? 6;
    const sliceSeconds = windowSeconds / slices;
    // Whole seconds: the Redis limiter counts durations in seconds.
    if (!Number.isInteger(sliceSeconds) || sliceSeconds < 1)
      throw new Error(`a ${windowSeconds}-second window does not split into ${slices} slices of whole seconds`);
    if (!(limit >= 1)) throw new Error('a request limit is at least 1');
    this.sliceLimit = Math.ceil(limit / slices);
    this.sliceSeconds = sliceSeconds;
    const limiter = (points: number, duration: number): RateLimiterAbstract => {
      const keyPrefix = `${store.prefix}:rl:${name}:${duration}s`;
      if (!store.redis) return new RateLimiterMemory({ keyPrefix, points, duration });
      // rejectIfRedisNotReady: while the connection is down, an error at once rather than a command that fails.
      const redis = new RateLimiterRedis({ storeClient: store.redis, keyPrefix, points, duration, rejectIfRedisNotReady: true });
      // The producer connection has no offline queue, but a Redis that takes commands and does not answer would hold
      // the request: the wrapper gives up after the timeout. On an error or a timeout, the one insurance limiter counts.
      const insuranceLimiter = new MemoryFallback({ keyPrefix, points, duration }, store.onFallback);
      return new RLWrapperTimeouts({ limiter: redis, timeoutMs: options.redisTimeoutMs ?? 500, keyPrefix, insuranceLimiter });
    };
    // One slice is the lone window (same keys: not counted twice).
    this.limiters =
      slices === 1
        ? new RateLimiterUnion(limiter(limit, windowSeconds))
        : new RateLimiterUnion(limiter(limit, windowSeconds), limiter(this.sliceLimit, sliceSeconds));
  }

  /** Counts a request (refused ones count too) and says whether it is within both limits. */
  async hit(key: string): Promise<LimitVerdict> {
    try {
      await this.limiters.consume(key);
      return { allowed: true };
    } catch (rejected) {
      // By limiter, the result of each one over its limit; with an insurance limiter behind every store, never an Error.
      const over = Object.values(rejected as Record<string, unknown>).filter((r): r is RateLimiterRes => r instanceof RateLimiterRes);
      if (over.length === 0) throw rejected;
      const ms = Math.max(...over.map((r) => r.msBeforeNext));
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
    }
  }
}

/** The in-memory insurance limiter, which reports its use. */
class MemoryFallback extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onUse: (() => void) | undefined,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): ReturnType<RateLimiterMemory['consume']> {
    this.onUse?.();
    return super.consume(...args);
  }
}

/**
 * Limits GraphQL requests per client address and, for signed-in requests, per user (RATE_LIMIT_PER_ADDRESS,
 * RATE_LIMIT_PER_USER per minute, at most a sixth of it per 10 seconds: see RequestLimiter). Over the limit: HTTP 429
 * with Retry-After and a RATE_LIMITED GraphQL error.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware, OnModuleDestroy {
  private readonly redis: IORedis | null;
  private readonly perAddress: RequestLimiter | null;
  private readonly perUser: RequestLimiter | null;
  private readonly logger = new Logger('RateLimit');
  private warned = false;

  constructor(
    private readonly config: AppConfig,
    private readonly auth: AuthService,
  ) {
    this.redis = config.REDIS_URL ? createRedisConnection(config.REDIS_URL, 'producer', 'cdtg-rate-limit') : null;
    // Warn once an outage: again after Redis has come back.
    this.redis?.on('ready', () => (this.warned = false));
    const store: LimiterStore = { redis: this.redis, prefix: config.QUEUE_PREFIX, onFallback: () => this.fellBack() };
    this.perAddress = config.RATE_LIMIT_PER_ADDRESS > 0 ? new RequestLimiter(store, 'addr', config.RATE_LIMIT_PER_ADDRESS) : null;
    this.perUser = config.RATE_LIMIT_PER_USER > 0 ? new RequestLimiter(store, 'user', config.RATE_LIMIT_PER_USER) : null;
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const checks: [string, RequestLimiter | null, 'address' | 'account'][] = [[req.ip ?? 'unknown', this.perAddress, 'address']];
    const token = bearerToken(req as never);
    const claims = token && this.perUser ? this.auth.tokens.verify(token) : null;
    if (claims) checks.push([claims.sub, this.perUser, 'account']);
    for (const [key, limiter, per] of checks) {
      if (!limiter) continue;
      const verdict = await limiter.hit(key);
      if (!verdict.allowed) {
        const seconds = verdict.retryAfterSeconds;
        const params = { per, limit: limiter.limit, sliceLimit: limiter.sliceLimit, sliceSeconds: limiter.sliceSeconds, seconds };
        res
          .status(429)
          .set('Retry-After', String(seconds))
          .json({
            errors: [
              {
                message: capitalised(reasonText(Reason.TooManyRequests, params)),
                extensions: { code: 'RATE_LIMITED', reason: Reason.TooManyRequests, params, retryAfterSeconds: seconds },
              },
            ],
          });
        return;
      }
    }
    next();
  }

  private fellBack(): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn('Redis did not answer for rate limits: counting in memory, per instance, until it does');
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}

/** A reason's text as the first words of a message. */
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
