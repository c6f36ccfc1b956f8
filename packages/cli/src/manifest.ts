import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic, type ImageJob } from 'llmkit'
import type { SavedImage } from './save-images'

/** File name of the manifest in the output folder. */
export const MANIFEST_FILE = 'llmkit-manifest.json'
export const MANIFEST_VERSION = 1

export type ItemStatus = 'done' | 'failed' | 'in_flight'

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
 * Keeps the manifest on disk in step with memory: every `save()` writes the
 * whole file atomically (temporary file, then rename). Writes are chained so
 * an older state never lands after a newer one.
 */
export class ManifestStore {
  private chain: Promise<void> = Promise.resolve()

  constructor(
    readonly folder: string,
    readonly manifest: Manifest,
  ) {}

  get path(): string {
    return join(this.folder, MANIFEST_FILE)
  }

  item(id: string): ManifestItem | undefined {
    return this.manifest.items.find((item) => item.id === id)
  }

  /** Adds or replaces an item, then saves. */
  upsert(item: ManifestItem): Promise<void> {
    const index = this.manifest.items.findIndex((existing) => existing.id === item.id)
    item.updatedAt = new Date().toISOString()
    if (index === -1) this.manifest.items.push(item)
    else this.manifest.items[index] = item
    return this.save()
  }

  save(): Promise<void> {
    const run = async () => {
      this.manifest.updatedAt = new Date().toISOString()
      await writeFileAtomic(this.path, `${JSON.stringify(this.manifest, null, 2)}\n`)
    }
    this.chain = this.chain.then(run, run)
    return this.chain
  }

  /** Waits for every pending write. */
  flush(): Promise<void> {
    return this.chain.catch(() => undefined)
  }
}
