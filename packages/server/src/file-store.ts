import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '@llmkit/core'

/** Image bytes served at `/v1/files/{id}` until they expire. */
export interface StoredFile {
  bytes: Buffer
  mediaType: string
}

/** Where the gateway keeps bytes it serves by URL: a data folder by default, Redis when configured. */
export interface FileStore {
  /** Stores bytes for `ttlMs` and returns an unguessable id. */
  put(file: StoredFile, ttlMs: number): Promise<string>
  get(id: string): Promise<StoredFile | undefined>
  close(): Promise<void>
}

/** 24 random bytes, base64url: 32 characters nobody can guess. */
export function newFileId(): string {
  return randomBytes(24).toString('base64url')
}

/** File ids as {@link newFileId} makes them; anything else never reaches the disk or Redis. */
export const FILE_ID = /^[A-Za-z0-9_-]{32}$/

const MEDIA_TYPE = /^[a-z]+\/[a-z0-9.+-]+$/

/**
 * Files in `<dataDir>/files`: `<id>` holds the bytes, `<id>.json` the media
 * type and expiry. Expired files are removed when asked for and by a sweep.
 */
export class DiskFileStore implements FileStore {
  private readonly folder: string
  private ready: Promise<unknown> | undefined
  private readonly sweeper: NodeJS.Timeout

  constructor(dataDir: string, sweepEveryMs = 10 * 60_000) {
    this.folder = join(dataDir, 'files')
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), sweepEveryMs).unref()
  }

  async put(file: StoredFile, ttlMs: number): Promise<string> {
    this.ready ??= mkdir(this.folder, { recursive: true })
    await this.ready
    const id = newFileId()
    const mediaType = MEDIA_TYPE.test(file.mediaType) ? file.mediaType : 'application/octet-stream'
    await writeFileAtomic(join(this.folder, id), file.bytes)
    await writeFileAtomic(join(this.folder, `${id}.json`), JSON.stringify({ mediaType, expiresAt: Date.now() + ttlMs }))
    return id
  }

  async get(id: string): Promise<StoredFile | undefined> {
    if (!FILE_ID.test(id)) return undefined
    try {
      const meta = JSON.parse(await readFile(join(this.folder, `${id}.json`), 'utf8')) as {
        mediaType: string
        expiresAt: number
      }
      if (meta.expiresAt <= Date.now()) {
        await this.remove(id)
        return undefined
      }
      return { bytes: await readFile(join(this.folder, id)), mediaType: meta.mediaType }
    } catch {
      return undefined
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper)
  }

  private async remove(id: string): Promise<void> {
    await Promise.all([
      rm(join(this.folder, id), { force: true }),
      rm(join(this.folder, `${id}.json`), { force: true }),
    ])
  }

  private async sweep(): Promise<void> {
    for (const name of await readdir(this.folder).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue
      const id = name.slice(0, -5)
      if (FILE_ID.test(id)) await this.get(id)
      else if ((await stat(join(this.folder, name))).mtimeMs < Date.now() - 86_400_000)
        await rm(join(this.folder, name), { force: true })
    }
  }
}
