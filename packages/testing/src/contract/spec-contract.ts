import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'

/** Vendored schemas, from the vendors' published specifications or official SDKs (see `specs/<vendor>/SOURCE.md`). */
export type VendoredSpec =
  | 'openai/create-image-request'
  | 'stability/v1-text-to-image'
  | 'stability/v2beta-generate'
  | 'replicate/predictions'
  | 'recraft/generate-image'
  | 'fal/requests'
  | 'fal/responses'
  | 'runway/requests'
  | 'runway/responses'
  | (string & {})

/** A multipart body as the emulator records it: text fields, and files as `{ filename, size, type }`. */
export type MultipartFields = Readonly<Record<string, string | { filename: string; size: number; type: string }>>

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020

function validator(coerceTypes: boolean): Ajv2020 {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, coerceTypes }))
  // Go-style integer formats some vendors use (Recraft's `random_seed` is a `uint32`): checked, not ignored.
  ajv.addFormat('uint32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= 0 && n <= 4_294_967_295,
  })
  return ajv
}
const jsonAjv = validator(false)
/** Multipart fields arrive as text: `"42"` is read as the number the schema asks for. */
const multipartAjv = validator(true)
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
  return check(jsonAjv, spec, schemaName, value)
}

/**
 * As {@link checkAgainstSpec}, for a `multipart/form-data` body as the emulator records it (`sent.multipart`):
 * text fields are read as the types the schema gives them, files as the schema's `format: binary` strings.
 */
export function checkMultipartAgainstSpec(spec: VendoredSpec, schemaName: string, fields: MultipartFields): string[] {
  const body = Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : `(file ${value.filename})`,
    ]),
  )
  return check(multipartAjv, spec, schemaName, body)
}

function check(ajv: Ajv2020, spec: string, schemaName: string, value: unknown): string[] {
  const key = `${ajv === jsonAjv ? 'json' : 'multipart'}:${spec}#${schemaName}`
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
