import { randomBytes } from 'node:crypto'
import { link, open, readdir, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { isProcessAlive } from '@llmkit/sdk'

const MAX_SLUG_LENGTH = 48
/** Names Windows refuses, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i

/**
 * A file-name-safe slug of a prompt: ASCII letters and digits joined by
 * dashes, accents folded (`café` → `cafe`), at most 48 characters, never
 * empty (`image` when nothing is left), never a reserved device name.
 */
export function slugify(prompt: string): string {
  const folded = prompt
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
  let slug = folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
  if (slug.length > MAX_SLUG_LENGTH)
    slug = slug.slice(0, MAX_SLUG_LENGTH).replace(/-[^-]*$/, '') || slug.slice(0, MAX_SLUG_LENGTH)
  slug = slug.replace(/-+$/, '')
  if (slug === '') return 'image'
  return RESERVED.test(slug) ? `${slug}-image` : slug
}

/** The base name of image `index` (1-based) of a prompt: `<slug>-s<seed>-<index>.<ext>`, or `<slug>-<index>.<ext>` without a seed. */
export function imageFileName(prompt: string, index: number, extension: string, seed?: number): string {
  const seedPart = seed === undefined ? '' : `-s${seed}`
  return `${slugify(prompt)}${seedPart}-${index}.${extension}`
}

/**
 * Writes files into one folder under names nobody else holds, so concurrent
 * saves (of this process or of other `llmkit` processes) never overwrite a
 * file: `a.png`, then `a-2.png`, `a-3.png`, …
 *
 * The bytes go to a temporary file first (written, fsync'd), which is then
 * hard-linked to the final name: `link` fails with `EEXIST` when the name
 * exists, atomically, so the name is claimed and filled in one step and a
 * reader never sees half an image. Where the file system cannot link, the name
 * is claimed with an exclusive create (`O_EXCL`) and filled in place.
 */
export class FileNameReserver {
  private readonly taken = new Set<string>()

  constructor(private readonly folder: string) {}

  /** Writes `bytes` under `name`, or the first free `<stem>-<k><ext>`; returns the name used. */
  async write(name: string, bytes: Uint8Array): Promise<string> {
    const temporary = join(this.folder, temporaryName(name))
    const handle = await open(temporary, 'wx', 0o644)
    try {
      await handle.writeFile(bytes)
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      const claimed = await this.claim(name, async (candidate) => {
        try {
          await link(temporary, join(this.folder, candidate))
        } catch (error) {
          if (!isErrno(error, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK')) throw error
          await writeExclusive(join(this.folder, candidate), bytes)
        }
      })
      await syncFolder(this.folder)
      return claimed
    } finally {
      await unlink(temporary).catch(() => undefined)
    }
  }

  /** Tries `name`, `<stem>-2<ext>`, … with `create` until one does not fail with `EEXIST`. */
  private async claim(name: string, create: (candidate: string) => Promise<void>): Promise<string> {
    const dot = name.lastIndexOf('.')
    const stem = dot > 0 ? name.slice(0, dot) : name
    const extension = dot > 0 ? name.slice(dot) : ''
    for (let attempt = 1; attempt < 100_000; attempt++) {
      const candidate = attempt === 1 ? name : `${stem}-${attempt}${extension}`
      if (this.taken.has(candidate)) continue
      this.taken.add(candidate)
      try {
        await create(candidate)
        return candidate
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw error
      }
    }
    throw new Error(`no free file name for ${name} in ${this.folder}`)
  }
}

/** `.<name>.<pid>.<random>.tmp`: the pid lets a later run remove what a killed process left. */
function temporaryName(name: string): string {
  return `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
}

async function writeExclusive(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx', 0o644)
  try {
    await handle.writeFile(bytes)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Makes the new directory entries durable (best effort: not every platform can open a folder). */
export async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(folder, 'r')
    await handle.sync()
  } catch {
    // Windows and some file systems cannot fsync a directory.
  } finally {
    await handle?.close()
  }
}

function isErrno(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException | undefined)?.code ?? '')
}

/**
 * Removes temporary files (`.<name>.<pid>.<hex>.tmp`) that processes which no
 * longer run left in `folder` when they were killed mid-write. Files of live
 * processes are kept. Returns the names removed.
 */
export async function removeStaleTemporaryFiles(folder: string): Promise<string[]> {
  const removed: string[] = []
  let names: string[]
  try {
    names = await readdir(folder)
  } catch {
    return removed
  }
  for (const name of names) {
    const match = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)
    if (!match || isProcessAlive(Number(match[1]))) continue
    await unlink(join(folder, name)).then(
      () => removed.push(name),
      () => undefined,
    )
  }
  return removed
}
