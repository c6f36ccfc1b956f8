import { access } from 'node:fs/promises'
import { join } from 'node:path'

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
 * Hands out file names in one folder that exist neither on disk nor among
 * names already handed out, so concurrent saves never overwrite a file:
 * `a.png`, then `a-2.png`, `a-3.png`, …
 */
export class FileNameReserver {
  private readonly taken = new Set<string>()

  constructor(private readonly folder: string) {}

  async reserve(name: string): Promise<string> {
    const dot = name.lastIndexOf('.')
    const stem = dot > 0 ? name.slice(0, dot) : name
    const extension = dot > 0 ? name.slice(dot) : ''
    for (let attempt = 1; ; attempt++) {
      const candidate = attempt === 1 ? name : `${stem}-${attempt}${extension}`
      if (this.taken.has(candidate)) continue
      this.taken.add(candidate)
      if (!(await exists(join(this.folder, candidate)))) return candidate
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}
