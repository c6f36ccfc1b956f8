import { Redis, type RedisOptions } from 'ioredis'

/** Where Redis is: a `redis://host:port[/db]` URL, ioredis options, or an ioredis client (not closed for you). */
export type RedisConnection = string | RedisOptions | Redis

/**
 * An ioredis client that waits through a Redis restart instead of failing
 * commands: `maxRetriesPerRequest: null` (what BullMQ requires) and ioredis's
 * reconnect with backoff. Errors while Redis is away go to `onError`.
 */
export function openRedis(connection: RedisConnection, onError?: (error: Error) => void): Redis {
  if (connection instanceof Redis) return connection
  const options: RedisOptions = { maxRetriesPerRequest: null, enableOfflineQueue: true }
  const redis =
    typeof connection === 'string' ? new Redis(connection, options) : new Redis({ ...connection, ...options })
  // Without a listener ioredis prints every refused reconnect attempt.
  redis.on('error', (error: Error) => onError?.(error))
  return redis
}

/** Closes a client this package opened (a caller's own client stays open). */
export async function closeRedis(redis: Redis, connection: RedisConnection): Promise<void> {
  if (connection === redis) return
  await redis.quit().catch(() => redis.disconnect())
}
