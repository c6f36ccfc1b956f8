import { platform } from './node'
import type { AtomicWriteOptions } from './platform'

/**
 * Writes a file so that readers see either the old content or the whole new
 * content, never half of it: a temporary file beside it, created exclusively,
 * written and flushed, renamed over the path, then the folder flushed. Only a
 * missing path or a regular file is replaced; a device, FIFO, socket,
 * directory or symbolic link at the path is refused (`invalid_request`).
 * Needs a file system (Node, Bun, Deno): in browsers and edge runtimes it
 * fails with `invalid_request`.
 */
export function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  return platform.writeFileAtomic(path, data, options)
}

/**
 * Imports `specifier` as an `import()` in a module inside `directory` would: a
 * path relative to it, or a package found in its `node_modules` (or a parent's),
 * entered through the package's `exports` (`import` / `node` / `default`) or
 * `main`. The CLI loads provider plugins this way from the working directory.
 * Throws `invalid_request` saying what could not be found (and, in browsers and
 * edge runtimes, that it needs Node).
 */
export function importFrom(specifier: string, directory: string): Promise<Record<string, unknown>> {
  return platform.importFrom(specifier, directory)
}
