import { Redis } from 'ioredis'
import { FILE_ID, newFileId, type FileStore, type StoredFile } from './file-store'
import { isFinished, type JobRecord, type JobStore } from './job-store'

const FINISHED_RETENTION_MS = 7 * 86_400_000

/** A Redis connection for the gateway's stores (`LLMKIT_REDIS_URL`, such as `redis://127.0.0.1:6379/0`). */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, enableAutoPipelining: true, lazyConnect: false })
  // One line per outage on stderr (ioredis alone prints an "Unhandled error event" at every reconnect attempt).
  let isDown = false
  redis.on('error', (error: NodeJS.ErrnoException) => {
    if (isDown) return
    isDown = true
    process.stderr.write(`llmkit gateway: Redis unreachable (${error.code ?? error.name}); retrying\n`)
  })
  redis.on('ready', () => (isDown = false))
  return redis
}

/**
 * Jobs in Redis, shared by every gateway using the same Redis: `llmkit:job:<id>`
 * holds the record, the set `llmkit:jobs:unfinished` the ids to resume, and
 * `llmkit:job:<id>:lease` which gateway runs it (so a job is resumed by one
 * gateway, and by another when that one dies).
 */
export class RedisJobStore implements JobStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'llmkit:',
  ) {}

  async save(record: JobRecord): Promise<void> {
    const key = `${this.prefix}job:${record.id}`
    const multi = this.redis.multi()
    if (isFinished(record.status)) {
      multi.set(key, JSON.stringify(record), 'PX', FINISHED_RETENTION_MS)
      multi.srem(`${this.prefix}jobs:unfinished`, record.id)
      multi.del(`${key}:lease`)
    } else {
      multi.set(key, JSON.stringify(record))
      multi.sadd(`${this.prefix}jobs:unfinished`, record.id)
    }
    await multi.exec()
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const text = await this.redis.get(`${this.prefix}job:${id}`)
    return text ? (JSON.parse(text) as JobRecord) : undefined
  }

  async unfinished(): Promise<JobRecord[]> {
    const ids = await this.redis.smembers(`${this.prefix}jobs:unfinished`)
    const records = await Promise.all(ids.map((id) => this.get(id)))
    return records.filter((record): record is JobRecord => record !== undefined && !isFinished(record.status))
  }

  async claim(id: string, owner: string, ttlMs: number): Promise<boolean> {
    const lease = `${this.prefix}job:${id}:lease`
    if ((await this.redis.set(lease, owner, 'PX', ttlMs, 'NX')) === 'OK') return true
    if ((await this.redis.get(lease)) !== owner) return false
    await this.redis.pexpire(lease, ttlMs)
    return true
  }

  async close(): Promise<void> {}
}

/** Files in Redis with their expiry (`llmkit:file:<id>`), so any gateway behind a load balancer serves them. */
export class RedisFileStore implements FileStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'llmkit:',
  ) {}

  async put(file: StoredFile, ttlMs: number): Promise<string> {
    const id = newFileId()
    await this.redis.set(
      `${this.prefix}file:${id}`,
      Buffer.concat([Buffer.from(`${file.mediaType}\n`), file.bytes]),
      'PX',
      Math.max(1, Math.round(ttlMs)),
    )
    return id
  }

  async get(id: string): Promise<StoredFile | undefined> {
    if (!FILE_ID.test(id)) return undefined
    const stored = await this.redis.getBuffer(`${this.prefix}file:${id}`)
    if (!stored) return undefined
    const newline = stored.indexOf(10)
    return { mediaType: stored.subarray(0, newline).toString(), bytes: stored.subarray(newline + 1) }
  }

  async close(): Promise<void> {}
}
