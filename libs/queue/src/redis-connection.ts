import IORedis, { RedisOptions } from 'ioredis';

/**
 * Producer connections fail fast when Redis is down (the outbox keeps the job); consumer connections wait and
 * reconnect forever, as BullMQ workers require.
 */
export function createRedisConnection(url: string, role: 'producer' | 'consumer', name: string): IORedis {
  const options: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, connectionName: name, lazyConnect: false }
      : { maxRetriesPerRequest: null, connectionName: name, retryStrategy: (times) => Math.min(times * 200, 2000) };
  const connection = new IORedis(url, options);
  // Errors surface through the commands that fail; an unhandled 'error' event would crash the process.
  connection.on('error', () => undefined);
  return connection;
}

/** True when a Redis server answers PING at `url` within `timeoutMs`. */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const connection = new IORedis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  connection.on('error', () => undefined);
  try {
    await connection.connect();
    return (await connection.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    connection.disconnect();
  }
}
