import { randomBytes } from 'node:crypto';
import { createServer, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type IORedis from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { AuthService } from '@cdtg/accounts';
import type { AppConfig } from '@cdtg/config';
import { createRedisConnection } from '@cdtg/queue';
import { RateLimitMiddleware, RequestLimiter } from '../../apps/api/src/graphql/rate-limit.middleware';
import { REDIS_URL } from '../support/test-env';

/** Resolves once the connection is ready: before, the limiters count in memory. */
const ready = (connection: IORedis) => new Promise<void>((resolve) => (connection.status === 'ready' ? resolve() : connection.once('ready', () => resolve())));

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

/** Hits `key` `times` times in a row; the number allowed. */
async function burst(hit: () => Promise<boolean>, times: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < times; i++) if (await hit()) allowed++;
  return allowed;
}

/**
 * The request limits (rate-limiter-flexible) on real Redis: what a window edge lets through, the count in memory when
 * Redis is away or silent, and keys per client address and per user, shared by API instances.
 */
describe('request limits', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let redis: IORedis;
  beforeAll(async () => {
    redis = createRedisConnection(REDIS_URL, 'producer', 'test-rate-limits');
    await ready(redis);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('lets a client spend at the end of one window and the start of the next only what the slices allow, where a lone fixed window allows twice the limit', async () => {
    // 6 a window of 6 seconds, in 3 slices of 2 seconds (2 each): in any 6 seconds at most min(4·2 − 1, 2·6 − 1) = 7.
    let fallbacks = 0;
    const limiter = new RequestLimiter({ redis, prefix, onFallback: () => fallbacks++ }, 'edge', 6, { windowSeconds: 6, slices: 3 });
    expect([limiter.sliceLimit, limiter.sliceSeconds]).toEqual([2, 2]);
    // rate-limiter-flexible's fixed window alone (the old limiter's kind): 6 per 6 seconds.
    const lone = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:lone`, points: 6, duration: 6 });
    const ours = () => limiter.hit('client').then((v) => v.allowed);
    const theirs = () =>
      lone.consume('client').then(
        () => true,
        () => false,
      );

    // One request opens both windows; the client then waits for the end of the window and sends all it can, and
    // again just after the window has ended.
    const start = Date.now();
    expect([await ours(), await theirs()]).toEqual([true, true]);
    await sleepUntil(start + 5_100);
    const beforeEdge = [await burst(ours, 12), await burst(theirs, 12)];
    await sleepUntil(start + 6_600);
    const afterEdge = [await burst(ours, 12), await burst(theirs, 12)];
    const acrossEdge = Date.now() - start - 5_100;
    expect(acrossEdge).toBeLessThan(2_000); // both bursts within one slice of the first

    // The lone window: 5 left before the edge and 6 more right after, 11 in about 1.5 seconds (2·6 − 1).
    expect(beforeEdge[1] + afterEdge[1]).toBe(11);
    // Ours: the slice opened before the edge holds 2, and it still runs after the edge: 2 across it.
    expect(beforeEdge[0]).toBe(2);
    expect(afterEdge[0]).toBe(0);
    // Everything ours let through in these 6.6 seconds stays within the bound of any 6 seconds.
    expect(1 + beforeEdge[0] + afterEdge[0]).toBeLessThanOrEqual(7);
    expect(fallbacks).toBe(0); // all counted in Redis
  });

  it('keeps limiting in memory, at once, when Redis is down', async () => {
    const down = createRedisConnection('redis://127.0.0.1:1', 'producer', 'test-rate-limits-down');
    let fallbacks = 0;
    try {
      const limiter = new RequestLimiter({ redis: down, prefix, onFallback: () => fallbacks++ }, 'down', 3, { slices: 1 });
      const started = Date.now();
      const verdicts = [];
      for (let i = 0; i < 4; i++) verdicts.push(await limiter.hit('client'));
      expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
      expect(verdicts[3]).toMatchObject({ retryAfterSeconds: expect.any(Number) });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(fallbacks).toBe(4);
      expect((await limiter.hit('another')).allowed).toBe(true); // still per key
    } finally {
      down.disconnect();
    }
  });

  it('does not wait on a Redis that takes commands and never answers: past the timeout the request is counted in memory', async () => {
    const silent = await silentRedis();
    const hung = createRedisConnection(silent.url, 'producer', 'test-rate-limits-silent');
    try {
      await ready(hung);
      let fallbacks = 0;
      const limiter = new RequestLimiter({ redis: hung, prefix, onFallback: () => fallbacks++ }, 'silent', 2, { slices: 1, redisTimeoutMs: 200 });
      const started = Date.now();
      const verdicts = [await limiter.hit('client'), await limiter.hit('client'), await limiter.hit('client')];
      expect(verdicts.map((v) => v.allowed)).toEqual([true, true, false]);
      expect(Date.now() - started).toBeLessThan(3 * 200 + 500);
      expect(fallbacks).toBe(3);
    } finally {
      hung.disconnect();
      await silent.close();
    }
  });

  describe('the middleware', () => {
    // Per address 30 a minute (5 per 10 seconds), per user 12 a minute (2 per 10 seconds).
    const config = { REDIS_URL, QUEUE_PREFIX: prefix, RATE_LIMIT_PER_ADDRESS: 30, RATE_LIMIT_PER_USER: 12 } as AppConfig;
    // A token is the user's id (the real AuthService verifies a signed one).
    const auth = { tokens: { verify: (token: string) => (token.startsWith('user-') ? { sub: token } : null) } } as unknown as AuthService;
    const instances = [new RateLimitMiddleware(config, auth), new RateLimitMiddleware(config, auth)];
    beforeAll(() => Promise.all(instances.map((m) => ready((m as unknown as { redis: IORedis }).redis))));
    afterAll(() => instances.forEach((m) => m.onModuleDestroy()));

    interface Answer {
      status: number;
      retryAfter?: string;
      body?: { errors: { message: string; extensions: { code: string; retryAfterSeconds: number } }[] };
    }
    /** A request through API instance `instance`, from `ip`, as `user` (or anonymous). */
    async function send(instance: number, ip: string, user?: string): Promise<Answer> {
      const answer: Answer = { status: 200 };
      const res = {
        status(code: number) {
          answer.status = code;
          return res;
        },
        set(name: string, value: string) {
          if (name === 'Retry-After') answer.retryAfter = value;
          return res;
        },
        json(body: Answer['body']) {
          answer.body = body;
          return res;
        },
      };
      let passed = false;
      const req = { ip, headers: user ? { authorization: `Bearer ${user}` } : {} };
      await instances[instance].use(req as never, res as never, () => (passed = true));
      expect(passed).toBe(answer.status === 200);
      return answer;
    }

    it('counts per client address and per user, in Redis shared by the instances; over a limit, 429 with Retry-After and RATE_LIMITED', async () => {
      const a = `user-a-${prefix}`;
      const b = `user-b-${prefix}`;
      // User a's 2 requests, one on each instance; the third is over a's limit.
      expect((await send(0, '10.0.0.1', a)).status).toBe(200);
      expect((await send(1, '10.0.0.1', a)).status).toBe(200);
      const limited = await send(0, '10.0.0.1', a);
      expect(limited.status).toBe(429);
      const seconds = Number(limited.retryAfter);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(10);
      expect(limited.body).toEqual({
        errors: [
          {
            message: `Too many requests for this account (limit 12 a minute, 2 in 10 seconds); retry in ${seconds} seconds`,
            extensions: {
              code: 'RATE_LIMITED',
              reason: 'TOO_MANY_REQUESTS',
              params: { per: 'account', limit: 12, sliceLimit: 2, sliceSeconds: 10, seconds },
              retryAfterSeconds: seconds,
            },
          },
        ],
      });

      // User b from the same address has a count of its own; the address has now had 5.
      expect((await send(1, '10.0.0.1', b)).status).toBe(200);
      expect((await send(0, '10.0.0.1', b)).status).toBe(200);
      const fromAddress = await send(1, '10.0.0.1');
      expect(fromAddress.status).toBe(429);
      expect(fromAddress.body!.errors[0].message).toMatch(/^Too many requests from this address \(limit 30 a minute, 5 in 10 seconds\)/);
      expect(fromAddress.body!.errors[0].extensions).toMatchObject({ reason: 'TOO_MANY_REQUESTS', params: { per: 'address', limit: 30 } });

      // Another address is counted apart; user a stays limited there (the per-user count follows the user).
      expect((await send(0, '10.0.0.2')).status).toBe(200);
      expect((await send(1, '10.0.0.2', a)).status).toBe(429);
      // An address over its limit is refused before the user is counted.
      expect((await send(0, '10.0.0.1', `user-c-${prefix}`)).status).toBe(429);
      expect((await send(0, '10.0.0.3', `user-c-${prefix}`)).status).toBe(200);

      const keys = await redis.keys(`${prefix}:rl:*`);
      expect(keys).toEqual(
        expect.arrayContaining([
          `${prefix}:rl:addr:60s:10.0.0.1`,
          `${prefix}:rl:addr:10s:10.0.0.2`,
          `${prefix}:rl:user:60s:${a}`,
          `${prefix}:rl:user:10s:${b}`,
        ]),
      );
      expect(await redis.get(`${prefix}:rl:user:60s:user-c-${prefix}`)).toBe('1');
    });
  });
});

/** A server that completes ioredis's handshake (CLIENT, INFO) and then never answers a command. */
async function silentRedis(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let command = nextCommand(buffer); command; command = nextCommand(buffer)) {
        buffer = command.rest;
        const name = command.args[0]?.toLowerCase();
        if (name === 'info') socket.write('$11\r\nloading:0\r\n\r\n');
        else if (name === 'client' || name === 'select') socket.write('+OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

/** The first command (a RESP array of bulk strings) in `buffer`, if complete. */
function nextCommand(buffer: string): { args: string[]; rest: string } | null {
  let at = 0;
  const line = (): string | null => {
    const end = buffer.indexOf('\r\n', at);
    if (end < 0) return null;
    const text = buffer.slice(at, end);
    at = end + 2;
    return text;
  };
  const head = line();
  if (head === null) return null;
  const args: string[] = [];
  for (let i = 0; i < Number(head.slice(1)); i++) {
    const size = line();
    if (size === null) return null;
    const length = Number(size.slice(1));
    if (buffer.length < at + length + 2) return null;
    args.push(buffer.slice(at, at + length));
    at += length + 2;
  }
  return { args, rest: buffer.slice(at) };
}
