import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { invalidRequest } from '@llmkit/core'
import * as z from 'zod'

/** One gateway key: who it is, and what it may do. The key itself is never stored, only its SHA-256. */
export interface GatewayKey {
  /** Shown in logs and metrics instead of the key. */
  name: string
  /** Lower-case hex SHA-256 of the key. */
  sha256: string
  /** Model ids this key may use (as sent, `provider:model`, or the canonical id). Default: all. */
  models?: readonly string[]
  /** Provider ids this key may use. Default: all. */
  providers?: readonly string[]
  /** Requests per minute. Default: unlimited. */
  rpm?: number
  /** Requests (and running jobs) at once. Default: unlimited. */
  concurrency?: number
}

const keySchema = z.strictObject({
  name: z.string().min(1).max(100),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hex digits (sha256sum of the key)')
    .transform((hex) => hex.toLowerCase()),
  models: z.array(z.string().min(1)).optional(),
  providers: z.array(z.string().min(1)).optional(),
  rpm: z.number().int().positive().optional(),
  concurrency: z.number().int().positive().optional(),
})

const keysFileSchema = z.union([z.array(keySchema), z.strictObject({ keys: z.array(keySchema) })])

/** Hex SHA-256 of a key, as `keys.json` holds it (`printf %s "$KEY" | sha256sum`). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** Parses `keys.json`: an array of keys, or `{ "keys": [...] }`. */
export function parseKeys(json: unknown): GatewayKey[] {
  const result = keysFileSchema.safeParse(json)
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw invalidRequest(`keys file: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  const keys = Array.isArray(result.data) ? result.data : result.data.keys
  const names = new Set<string>()
  for (const key of keys) {
    if (names.has(key.name)) throw invalidRequest(`keys file: the name "${key.name}" is used twice`)
    names.add(key.name)
  }
  return keys
}

/** Reads and parses a keys file. */
export async function loadKeysFile(path: string): Promise<GatewayKey[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw invalidRequest(`keys file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  try {
    return parseKeys(JSON.parse(text))
  } catch (error) {
    if (error instanceof SyntaxError) throw invalidRequest(`keys file ${path} is not valid JSON`)
    throw error
  }
}

/** Keys from `LLMKIT_GATEWAY_KEYS` (comma-separated plain keys), named `env-1`, `env-2`, …, without limits. */
export function keysFromEnv(value: string | undefined): GatewayKey[] {
  const plain = (value ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean)
  return plain.map((key, index) => ({ name: `env-${index + 1}`, sha256: hashKey(key) }))
}

/** Looks presented bearer tokens up by hash (a map lookup: no timing signal about stored keys). */
export class KeyRing {
  private readonly byHash = new Map<string, GatewayKey>()

  constructor(keys: readonly GatewayKey[]) {
    for (const key of keys) this.byHash.set(key.sha256.toLowerCase(), key)
  }

  get size(): number {
    return this.byHash.size
  }

  /** The key for an `Authorization` header value, or undefined. */
  authenticate(header: string | undefined): GatewayKey | undefined {
    if (!header) return undefined
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    return match ? this.byHash.get(hashKey(match[1]!)) : undefined
  }
}

/** Whether `key` may use this model of this provider. */
export function isModelAllowed(
  key: GatewayKey | undefined,
  requested: string,
  provider: string,
  modelId: string,
): boolean {
  if (!key) return true
  if (key.providers && !key.providers.includes(provider)) return false
  if (!key.models) return true
  return key.models.some(
    (allowed) => allowed === requested || allowed === modelId || allowed === `${provider}:${modelId}`,
  )
}
