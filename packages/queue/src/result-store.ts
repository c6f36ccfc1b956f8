import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '@llmkit/core'
import type { Redis } from 'ioredis'
import type { QueueKeys } from './keys'

/**
 * Where workers put image bytes and the batch side reads them. The queue only
 * carries the keys, so any store every worker and the reader can reach works.
 */
export interface ResultStore {
  /** Stores one image of an item; returns its key. Storing the same item and index again replaces it. */
  save(itemId: string, index: number, bytes: Buffer, extension: string): Promise<string>
  /** The bytes under a key (throws when they expired or were removed). */
  load(key: string): Promise<Buffer>
}

/** Default time images stay in Redis: 24 hours. */
export const DEFAULT_RESULT_TTL_MS = 24 * 60 * 60 * 1000

/** Image bytes in Redis with an expiry: workers on other machines share nothing but Redis. */
export class RedisResultStore implements ResultStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    /** How long bytes stay. Default 24 h: collect results within that. */
    private readonly ttlMs = DEFAULT_RESULT_TTL_MS,
  ) {}

  async save(itemId: string, index: number, bytes: Buffer): Promise<string> {
    const key = this.keys.image(itemId, index)
    await this.redis.set(key, bytes, 'PX', this.ttlMs)
    return key
  }

  async load(key: string): Promise<Buffer> {
    const bytes = await this.redis.getBuffer(key)
    if (!bytes) throw new Error(`image ${key} is no longer in Redis (expired after its TTL, or removed)`)
    return bytes
  }
}

/** Image files in a folder every worker and the reader mount (a shared volume); the queue carries file names. */
export class FolderResultStore implements ResultStore {
  constructor(readonly folder: string) {}

  async save(itemId: string, index: number, bytes: Buffer, extension: string): Promise<string> {
    const name = `${encodeURIComponent(itemId)}-${index}.${extension.replace(/[^a-z0-9]/gi, '') || 'bin'}`
    await writeFileAtomic(join(this.folder, name), bytes)
    return name
  }

  async load(key: string): Promise<Buffer> {
    if (key.includes('/') || key.includes('\\') || key.startsWith('.'))
      throw new Error(`not a file name of this store: ${key}`)
    return readFile(join(this.folder, key))
  }
}
