// Extracts request schemas from a vendor's OpenAPI document into a self-contained JSON Schema
// (draft 2020-12) that ajv can compile: the named schemas and everything they reference, under $defs.
// Usage: node extract-schemas.mjs [--oneof-as-anyof] <openapi.json> <out.json> <SchemaName> [<SchemaName> ...]
// Corrections applied (and listed in each SOURCE.md): OpenAPI 3.0's `nullable: true`, which OpenAI's
// 3.1 document still uses and which JSON Schema validators ignore, becomes an explicit `null` alternative;
// repeated enum values are removed (JSON Schema requires them to be unique); `example`, `x-*` and
// `discriminator` annotations are dropped. With --oneof-as-anyof, `oneOf` becomes `anyOf` (for documents whose
// alternatives overlap, so that a value matching two of them is wrongly refused).
import { readFileSync, writeFileSync } from 'node:fs'

const args = process.argv.slice(2)
const oneOfAsAnyOf = args[0] === '--oneof-as-anyof'
const [source, out, ...names] = oneOfAsAnyOf ? args.slice(1) : args
const document = JSON.parse(readFileSync(source, 'utf8'))
const schemas = document.components.schemas
const defs = {}
const corrections = new Set()

function convert(node) {
  if (Array.isArray(node)) return node.map(convert)
  if (typeof node !== 'object' || node === null) return node
  const result = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key === 'examples' || key === 'discriminator' || key.startsWith('x-')) continue
    if (key === 'nullable') continue
    if (key === '$ref') {
      const name = value.replace('#/components/schemas/', '')
      take(name)
      result.$ref = `#/$defs/${name}`
      continue
    }
    if (key === 'enum' && new Set(value).size !== value.length) {
      corrections.add(`repeated enum value removed`)
      result.enum = [...new Set(value)]
      continue
    }
    if (key === 'oneOf' && oneOfAsAnyOf) {
      corrections.add('oneOf → anyOf')
      result.anyOf = convert(value)
      continue
    }
    result[key] = convert(value)
  }
  if (node.nullable === true) {
    corrections.add('nullable: true → anyOf [schema, null]')
    return { anyOf: [result, { type: 'null' }] }
  }
  return result
}

function take(name) {
  if (name in defs) return
  defs[name] = null
  if (!schemas[name]) throw new Error(`no schema ${name}`)
  defs[name] = convert(schemas[name])
}

for (const name of names) take(name)
const bundle = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $comment: `Extracted from ${source} by extract-schemas.mjs; see SOURCE.md`,
  $defs: defs,
}
writeFileSync(out, `${JSON.stringify(bundle, null, 2)}\n`)
console.log(`${out}: ${Object.keys(defs).length} schemas; corrections: ${[...corrections].join('; ') || 'none'}`)
