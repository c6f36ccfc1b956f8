import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { lstat, mkdir, open, rename, unlink } from 'node:fs/promises'
import { dirname, join, basename } from 'node:path'
import { LLMKitError } from '../errors/llmkit-error'
import type { AtomicWriteOptions } from '../platform/platform'

const KIND_OF: readonly [(stats: Awaited<ReturnType<typeof lstat>>) => boolean, string][] = [
  [(stats) => stats.isSymbolicLink(), 'a symbolic link'],
  [(stats) => stats.isDirectory(), 'a directory'],
  [(stats) => stats.isFIFO(), 'a FIFO'],
  [(stats) => stats.isSocket(), 'a socket'],
  [(stats) => stats.isCharacterDevice() || stats.isBlockDevice(), 'a device'],
]

/**
 * Refuses to replace anything at `path` but a regular file (checked with
 * lstat, so a symbolic link is refused itself, never followed to a device).
 */
async function assertReplaceable(path: string): Promise<void> {
  let stats: Awaited<ReturnType<typeof lstat>>
  try {
    stats = await lstat(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  if (stats.isFile()) return
  const kind = KIND_OF.find(([test]) => test(stats))?.[1] ?? 'not a regular file'
  throw new LLMKitError({
    code: 'invalid_request',
    message: `Refused to write ${path}: it is ${kind}, and llmkit only writes regular files; choose another path`,
  })
}

/**
 * Writes a file so that readers see either the old content or the whole new
 * content, never half of it: a temporary file beside it, created exclusively,
 * written and flushed, renamed over the path, then the folder flushed. Only a
 * missing path or a regular file is replaced; a device, FIFO, socket,
 * directory or symbolic link at the path is refused (`invalid_request`).
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const folder = dirname(path)
  if (options.createDirectories ?? true) await mkdir(folder, { recursive: true })
  await assertReplaceable(path)
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  // Exclusive, and never through a link someone planted at the temporary name.
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0)
  const handle = await open(temporary, flags, options.mode ?? 0o644)
  try {
    await handle.writeFile(data)
    await handle.sync()
    await handle.close()
    await rename(temporary, path)
  } catch (error) {
    await handle.close().catch(() => undefined)
    await unlink(temporary).catch(() => undefined)
    throw error
  }
  await syncFolder(folder)
}

/** Flushes a folder's entry list, so the rename survives a crash. Not every platform can open a folder. */
async function syncFolder(folder: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(folder, constants.O_RDONLY)
    await handle.sync()
  } catch {
    // Windows cannot open a folder for reading; the file itself is flushed already.
  } finally {
    await handle?.close().catch(() => undefined)
  }
}
