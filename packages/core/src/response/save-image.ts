import { LLMKitError } from '../errors/llmkit-error'
import { writeFileAtomic } from '../platform/node-only'
import type { SaveOptions } from './image-file'

// GeneratedImage.save(), loaded with the first save.

/** The work of `GeneratedImage.save`: checks the path, reads the bytes, writes them atomically. */
export async function saveImage(
  image: { bytes(options: SaveOptions): Promise<Uint8Array> },
  path: string,
  options: SaveOptions,
): Promise<string> {
  if (typeof path !== 'string' || path.trim() === '')
    throw new LLMKitError({ code: 'invalid_request', message: 'GeneratedImage.save: path must be a non-empty string' })
  const bytes = await image.bytes(options)
  try {
    await writeFileAtomic(path, bytes, { createDirectories: options.mkdir ?? false })
  } catch (error) {
    throw saveFailure(path, error)
  }
  return path
}

/** What to do about a file system error, by its code. */
const SAVE_ADVICE: Readonly<Record<string, string>> = {
  ENOENT: 'its folder does not exist; create it first or pass { mkdir: true }',
  ENOTDIR: 'a part of the path is not a folder; choose another path',
  EISDIR: 'it is a directory; choose a file name',
  EACCES: 'no permission to write there; choose a folder you can write to',
  EPERM: 'the system does not permit writing there; choose a folder you can write to',
  EROFS: 'the file system is read-only; choose a folder on a writable disk',
  ENOSPC: 'no space left on the device; free some space or choose another disk',
  EDQUOT: 'your disk quota is used up; free some space or choose another disk',
  ELOOP: 'the path goes through too many symbolic links; choose another path',
  ENAMETOOLONG: 'the path is too long; choose a shorter one',
  EEXIST: 'a file appeared at the temporary name; try again',
  EIO: 'the disk reported an input/output error; check the disk',
}

/** A file system error from save() as an LLMKitError that says what to do (no raw errno escapes). */
function saveFailure(path: string, error: unknown): unknown {
  if (LLMKitError.isInstance(error)) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const advice =
    (code && SAVE_ADVICE[code]) ?? `the file system refused (${code ?? 'unknown error'}); choose another path`
  return new LLMKitError({
    code: 'invalid_request',
    message: `Could not save the image to ${path}: ${advice}${code ? ` (${code})` : ''}`,
    cause: error,
  })
}
