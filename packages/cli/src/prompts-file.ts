import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { UsageError } from './exit-codes'
import type { ImageSettings } from './image-settings'

/** One prompt of a batch, with its stable id. */
export interface BatchItem extends ImageSettings {
  id: string
  /** 1-based line number in the file. */
  line: number
}

/** What a JSONL line may carry. */
const FIELDS: Readonly<Record<string, 'string' | 'integer'>> = {
  id: 'string',
  prompt: 'string',
  model: 'string',
  n: 'integer',
  size: 'string',
  seed: 'integer',
  negative: 'string',
  quality: 'string',
  style: 'string',
}

/**
 * Reads a prompts file: `.jsonl` (one `{prompt, id?, model?, n?, size?, seed?, negative?}`
 * per line) or text (one prompt per line). Blank lines and lines starting
 * with `#` are skipped. A malformed line is a usage error naming the line.
 */
export async function readPrompts(path: string, defaults: { model: string }): Promise<BatchItem[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      error.code === 'ENOENT' ? `prompts file not found: ${path}` : `cannot read ${path}: ${error.message}`,
    )
  })
  return parsePrompts(text, path.toLowerCase().endsWith('.jsonl') ? 'jsonl' : 'text', defaults)
}

export function parsePrompts(text: string, format: 'jsonl' | 'text', defaults: { model: string }): BatchItem[] {
  const seen = new Map<string, number>()
  const items: BatchItem[] = []
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = raw.trim()
      if (line === '' || line.startsWith('#')) return
      const { id: given, ...fields } = format === 'jsonl' ? parseJsonLine(line, index + 1) : { prompt: line }
      const settings: ImageSettings = { model: defaults.model, ...fields }
      const key = given ?? itemKey(settings)
      const occurrence = (seen.get(key) ?? 0) + 1
      seen.set(key, occurrence)
      if (given && occurrence > 1) throw new UsageError(`line ${index + 1}: id "${given}" is used by an earlier line`)
      items.push({ ...settings, id: occurrence === 1 ? key : `${key}-${occurrence}`, line: index + 1 })
    })
  if (items.length === 0) throw new UsageError('the prompts file has no prompts')
  return items
}

function parseJsonLine(line: string, number: number): Omit<ImageSettings, 'model'> & { model?: string; id?: string } {
  let data: unknown
  try {
    data = JSON.parse(line)
  } catch {
    throw new UsageError(`line ${number}: not valid JSON`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new UsageError(`line ${number}: expected an object like {"prompt": "..."}`)
  for (const [field, value] of Object.entries(data)) {
    const kind = FIELDS[field]
    if (!kind)
      throw new UsageError(`line ${number}: unknown field "${field}"; allowed: ${Object.keys(FIELDS).join(', ')}`)
    const ok = kind === 'string' ? typeof value === 'string' && value.trim() !== '' : Number.isInteger(value)
    if (!ok)
      throw new UsageError(
        `line ${number}: "${field}" must be ${kind === 'string' ? 'non-empty text' : 'a whole number'}`,
      )
  }
  if (!('prompt' in data)) throw new UsageError(`line ${number}: "prompt" is missing`)
  return data as Omit<ImageSettings, 'model'> & { model?: string; id?: string }
}

/** A short hash of what the item asks for, so the same line keeps its id when other lines change. */
function itemKey(settings: ImageSettings): string {
  const { prompt, model, n, size, seed, negative, quality, style } = settings
  return createHash('sha256')
    .update(
      JSON.stringify([
        prompt,
        model,
        n ?? 1,
        size ?? null,
        seed ?? null,
        negative ?? null,
        quality ?? null,
        style ?? null,
      ]),
    )
    .digest('hex')
    .slice(0, 12)
}
