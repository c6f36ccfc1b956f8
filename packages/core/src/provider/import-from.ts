import { existsSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { invalidRequest } from '../errors/llmkit-error'

/** The conditions an ESM `import` matches in a package's `exports`, as Node does. */
const IMPORT_CONDITIONS = new Set(['import', 'node', 'default'])

/**
 * Imports `specifier` as an `import()` in a module inside `directory` would: a
 * path relative to it, or a package found in its `node_modules` (or a parent's),
 * entered through the package's `exports` (`import` / `node` / `default`) or
 * `main`. The CLI loads provider plugins this way from the working directory.
 * Throws `invalid_request` saying what could not be found.
 */
export async function importFrom(specifier: string, directory: string): Promise<Record<string, unknown>> {
  const file = resolveFrom(specifier, directory)
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>
}

function resolveFrom(specifier: string, directory: string): string {
  if (specifier.startsWith('file:')) return existing(fileURLToPath(specifier), specifier, directory)
  if (specifier.startsWith('.') || isAbsolute(specifier))
    return existing(resolve(directory, specifier), specifier, directory)
  const parts = specifier.split('/')
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
  const subpath = `.${specifier.slice(name.length)}`
  // Node's own lookup list for a module in `directory`: its node_modules, then each parent's.
  const folders = createRequire(join(directory, 'package.json')).resolve.paths(name) ?? []
  const root = folders.map((folder) => join(folder, name)).find((path) => existsSync(join(path, 'package.json')))
  if (!root)
    throw invalidRequest(`Cannot find module "${specifier}" from ${directory}: install it there, or give its path`)
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports?: unknown; main?: string }
  if (manifest.exports !== undefined) {
    const target = exportTarget(manifest.exports, subpath)
    if (!target)
      throw invalidRequest(
        `Module "${specifier}" is not importable: the exports of ${name} have no "${subpath}" for import`,
      )
    return existing(join(root, target), specifier, directory)
  }
  if (subpath !== '.') return existing(join(root, subpath), specifier, directory)
  const main = manifest.main ?? 'index.js'
  const candidates = [main, `${main}.js`, join(main, 'index.js')].map((path) => join(root, path))
  return existing(candidates.find(isFile) ?? candidates[0]!, specifier, directory)
}

function exportTarget(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap =
    typeof exports === 'object' && exports !== null && Object.keys(exports).some((key) => key.startsWith('.'))
  if (isSubpathMap) return conditionalTarget((exports as Record<string, unknown>)[subpath])
  return subpath === '.' ? conditionalTarget(exports) : undefined
}

/** The first target whose condition an import matches, in the order the package lists them. */
function conditionalTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry
  if (Array.isArray(entry)) return entry.map(conditionalTarget).find(Boolean)
  if (typeof entry !== 'object' || entry === null) return undefined
  for (const [condition, value] of Object.entries(entry)) {
    if (!IMPORT_CONDITIONS.has(condition)) continue
    const target = conditionalTarget(value)
    if (target) return target
  }
  return undefined
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile()

function existing(path: string, specifier: string, directory: string): string {
  if (!isFile(path)) throw invalidRequest(`Cannot find module "${specifier}" from ${directory} (no file ${path})`)
  return path
}
