import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'

/** Vendored request schemas, extracted from the vendors' published specifications (see `specs/<vendor>/SOURCE.md`). */
export type VendoredSpec =
  | 'openai/create-image-request'
  | 'stability/v1-text-to-image'
  | 'replicate/predictions'
  | 'recraft/generate-image'
  | 'fal/queue'
  | 'runway/text-to-image'
  | (string & {})

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020

const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }))
// Go-style integer formats some vendors use (Recraft's `random_seed` is a `uint32`): checked, not ignored.
ajv.addFormat('uint32', {
  type: 'number',
  validate: (n: number) => Number.isInteger(n) && n >= 0 && n <= 4_294_967_295,
})
const compiled = new Map<string, ValidateFunction>()

/** `specs/` beside `src/` (tests) or beside `dist/` (the built package). */
function specFile(spec: string): string {
  for (const base of ['../../specs/', '../specs/']) {
    const path = fileURLToPath(new URL(`${base}${spec}.json`, import.meta.url))
    if (existsSync(path)) return path
  }
  throw new Error(`No vendored spec ${spec} (looked for specs/${spec}.json in @llmkit/testing)`)
}

/**
 * Checks a request body (as a provider sent it, captured by an emulator) against a schema of a
 * vendored specification. Returns the problems in words, `[]` when the body is valid.
 *
 * ```ts
 * expect(checkAgainstSpec('openai/create-image-request', 'CreateImageRequest', sent.json)).toEqual([])
 * ```
 */
export function checkAgainstSpec(spec: VendoredSpec, schemaName: string, value: unknown): string[] {
  const key = `${spec}#${schemaName}`
  let validate = compiled.get(key)
  if (!validate) {
    if (!ajv.getSchema(spec)) ajv.addSchema(JSON.parse(readFileSync(specFile(spec), 'utf8')) as object, spec)
    validate = ajv.getSchema(`${spec}#/$defs/${schemaName}`)
    if (!validate) throw new Error(`The vendored spec ${spec} has no schema ${schemaName}`)
    compiled.set(key, validate)
  }
  if (validate(value)) return []
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? 'is invalid'}`)
}
