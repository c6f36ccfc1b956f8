import { closeSync, fdatasyncSync, ftruncateSync, openSync, writeSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic, type ImageJob } from '@llmkit/sdk'
import { removeStaleTemporaryFiles, syncFolder } from './file-naming'
import type { BatchItem } from './prompts-file'
import type { SavedImage } from './save-images'

/** File name of the manifest in the output folder. */
export const MANIFEST_FILE = 'llmkit-manifest.json'
/** The append-only journal beside it: one JSON item record per line, fsync'd before anything depends on it. */
export const JOURNAL_FILE = 'llmkit-manifest.journal'
export const MANIFEST_VERSION = 1

/**
 * `in_doubt`: the process died (or was interrupted) while a paid request that
 * is itself the job (a synchronous API, or a job API's submit before it
 * answered) was in flight, so it may have been carried out and paid for. It is
 * not sent again unless the user asks (`--retry-in-doubt`).
 */
export type ItemStatus = 'done' | 'failed' | 'in_flight' | 'in_doubt'

/** One prompt's record. */
export interface ManifestItem {
  /** Stable key: a hash of the item's settings plus its occurrence, so editing other lines keeps it. */
  id: string
  /** 1-based line in the prompts file (for people; not used to match). */
  line?: number
  prompt: string
  model: string
  n: number
  size?: string
  seed?: number
  negative?: string
  status: ItemStatus
  /** Image files, relative to the output folder. */
  files: string[]
  images: Omit<SavedImage, 'path'>[]
  /** Job handles submitted and not finished yet (plain JSON; `client.resumeImage(job)` picks them up). */
  jobs: ImageJob[]
  provider?: string
  warnings?: string[]
  error?: { code: string; message: string }
  attempts: number
  updatedAt: string
}

/** The manifest: what a batch (or `generate --gallery`) did in one folder. */
export interface Manifest {
  version: typeof MANIFEST_VERSION
  tool: '@llmkit/cli'
  /** The prompts file of the last batch. */
  source?: string
  createdAt: string
  updatedAt: string
  items: ManifestItem[]
}

/** Reads the manifest of `folder`, or a new empty one. A damaged manifest is an error, not silently replaced. */
export async function loadManifest(folder: string): Promise<Manifest> {
  const path = join(folder, MANIFEST_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyManifest()
    throw error
  }
  const data = JSON.parse(text) as Partial<Manifest>
  if (data.version !== MANIFEST_VERSION || !Array.isArray(data.items)) {
    throw new Error(
      `${path} is not an llmkit manifest (version ${MANIFEST_VERSION}); move it away or choose another -o folder`,
    )
  }
  return data as Manifest
}

export function emptyManifest(): Manifest {
  const now = new Date().toISOString()
  return { version: MANIFEST_VERSION, tool: '@llmkit/cli', createdAt: now, updatedAt: now, items: [] }
}

/**
 * The manifest of `folder` with its journal replayed: what the last run (even
 * one killed with SIGKILL) recorded durably. Temporary files that killed
 * processes left in the folder are removed first.
 */
export async function openManifest(folder: string): Promise<ManifestStore> {
  await removeStaleTemporaryFiles(folder)
  const manifest = await loadManifest(folder)
  let journal = ''
  try {
    journal = await readFile(join(folder, JOURNAL_FILE), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  for (const line of journal.split('\n')) {
    if (line.trim() === '') continue
    let record: { item?: ManifestItem }
    try {
      record = JSON.parse(line) as { item?: ManifestItem }
    } catch {
      continue // the last line of a process killed mid-write; nothing was acted on before it was complete
    }
    if (record.item?.id) replace(manifest, record.item)
  }
  return new ManifestStore(folder, manifest)
}

function replace(manifest: Manifest, item: ManifestItem): void {
  const index = manifest.items.findIndex((existing) => existing.id === item.id)
  if (index === -1) manifest.items.push(item)
  else manifest.items[index] = item
}

/**
 * Keeps the manifest on disk in step with memory. Every change of an item is
 * first appended to the journal (`llmkit-manifest.journal`) as one line and
 * fsync'd, synchronously, before the caller goes on: that append is the
 * durable record. The manifest itself is a view, rewritten atomically after
 * changes and compacted by {@link compact} (journal folded in, then emptied).
 */
export class ManifestStore {
  private chain: Promise<void> = Promise.resolve()
  private journal: number | undefined

  constructor(
    readonly folder: string,
    readonly manifest: Manifest,
  ) {}

  get path(): string {
    return join(this.folder, MANIFEST_FILE)
  }

  get journalPath(): string {
    return join(this.folder, JOURNAL_FILE)
  }

  item(id: string): ManifestItem | undefined {
    return this.manifest.items.find((item) => item.id === id)
  }

  /**
   * Records the item's current state durably (one fsync'd append to the
   * journal, done when this returns), then updates the view in the background.
   */
  record(item: ManifestItem): void {
    item.updatedAt = new Date().toISOString()
    const line = `${JSON.stringify({ item })}\n`
    this.journal ??= openSync(this.journalPath, 'a', 0o644)
    writeSync(this.journal, line)
    fdatasyncSync(this.journal)
    replace(this.manifest, JSON.parse(line).item as ManifestItem)
    void this.save()
  }

  /** {@link record}, then waits for the view to be written. */
  upsert(item: ManifestItem): Promise<void> {
    this.record(item)
    return this.save()
  }

  /** Rewrites the manifest view atomically. Writes are chained so an older state never lands after a newer one. */
  save(): Promise<void> {
    const run = async () => {
      this.manifest.updatedAt = new Date().toISOString()
      await writeFileAtomic(this.path, `${JSON.stringify(this.manifest, null, 2)}\n`)
    }
    this.chain = this.chain.then(run, run)
    return this.chain
  }

  /**
   * Folds the journal into the manifest: writes the manifest (atomic rename,
   * folder fsync'd), then empties the journal. A kill in between only means
   * the journal is replayed once more onto a manifest that already holds it.
   */
  async compact(): Promise<void> {
    await this.save()
    await syncFolder(this.folder)
    this.journal ??= openSync(this.journalPath, 'a', 0o644)
    ftruncateSync(this.journal, 0)
    fdatasyncSync(this.journal)
  }

  /** Waits for every pending write and closes the journal. */
  async close(): Promise<void> {
    await this.flush()
    if (this.journal !== undefined) closeSync(this.journal)
    this.journal = undefined
  }

  /** Waits for every pending write. */
  flush(): Promise<void> {
    return this.chain.catch(() => undefined)
  }
}

/** What the manifest records of a prompts-file item, whatever its outcome. */
export function itemSettings(
  item: BatchItem,
): Pick<ManifestItem, 'id' | 'line' | 'prompt' | 'model' | 'n' | 'size' | 'seed' | 'negative'> {
  const { id, line, prompt, model, size, seed, negative } = item
  return { id, line, prompt, model, n: item.n ?? 1, size, seed, negative }
}
