import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic, type ImageGenerationRequestData, type ImageJob } from '@llmkit/core'
import type { OpenAIErrorBody } from './openai-error'
import type { GenerationResponseBody } from './schemas'

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

/** A gateway job as persisted: enough to answer about it and to resume it after a restart. */
export interface JobRecord {
  id: string
  status: JobState
  /** Unix seconds. */
  created: number
  /** Epoch ms of the last change. */
  updatedAt: number
  /** The model as the caller named it. */
  model: string
  /** Name of the gateway key that created it (only that key sees it). */
  key?: string
  request: ImageGenerationRequestData
  output: { base64: boolean; publicURL: string }
  /** Provider job handles: `client.resumeImage` picks these up after a restart, without a second submit. */
  upstream: ImageJob[]
  /** How many provider calls the request takes. */
  calls: number
  progress?: number
  position?: number
  result?: GenerationResponseBody
  error?: OpenAIErrorBody['error'] & { status: number }
}

/** Terminal states: nothing left to run or resume. */
export const isFinished = (status: JobState) => status === 'succeeded' || status === 'failed' || status === 'cancelled'

/** Where job records live: a data folder by default, Redis when `LLMKIT_REDIS_URL` is set. */
export interface JobStore {
  save(record: JobRecord): Promise<void>
  get(id: string): Promise<JobRecord | undefined>
  /** Every job not finished, whichever gateway started it. */
  unfinished(): Promise<JobRecord[]>
  /** Takes or renews the right to run a job for `ttlMs`; false while another gateway holds it. */
  claim(id: string, owner: string, ttlMs: number): Promise<boolean>
  close(): Promise<void>
}

const JOB_ID = /^[A-Za-z0-9_-]{8,64}$/

/** One JSON file per job in `<dataDir>/jobs`, written atomically. One gateway per data folder. */
export class FileJobStore implements JobStore {
  private readonly folder: string
  private ready: Promise<unknown> | undefined

  constructor(dataDir: string) {
    this.folder = join(dataDir, 'jobs')
  }

  async save(record: JobRecord): Promise<void> {
    this.ready ??= mkdir(this.folder, { recursive: true })
    await this.ready
    await writeFileAtomic(join(this.folder, `${record.id}.json`), JSON.stringify(record))
  }

  async get(id: string): Promise<JobRecord | undefined> {
    if (!JOB_ID.test(id)) return undefined
    try {
      return JSON.parse(await readFile(join(this.folder, `${id}.json`), 'utf8')) as JobRecord
    } catch {
      return undefined
    }
  }

  async unfinished(): Promise<JobRecord[]> {
    const names = await readdir(this.folder).catch(() => [] as string[])
    const records: JobRecord[] = []
    const expired = Date.now() - 7 * 86_400_000
    for (const name of names) {
      if (!name.endsWith('.json')) continue
      const record = await this.get(name.slice(0, -5))
      if (!record) continue
      if (!isFinished(record.status)) records.push(record)
      else if (record.updatedAt < expired) await rm(join(this.folder, name), { force: true })
    }
    return records
  }

  async claim(): Promise<boolean> {
    return true
  }

  async close(): Promise<void> {}
}
