// Converts named types of a vendor SDK's TypeScript declarations (.d.ts) into a self-contained JSON Schema
// (draft 2020-12) for ajv: the named types and everything they reference, under $defs. For vendors that publish
// no JSON Schema or OpenAPI document, only the request types their official SDK is generated from.
// Usage: node ts-types-to-schema.mjs [--closed] [--nullable Type.property ...] <a.d.ts[,b.d.ts]> <out.json> <Type> ...
// Mapping: string/number/boolean/null/unknown keywords; string and number literals (a union of literals becomes
// an `enum`); `Array<T>`/`T[]`; `Record<string, T>`; object types and interfaces (members with `?` are optional;
// `extends` is flattened); unions (`anyOf`) and intersections (`allOf`). `Blob` and `File` alternatives are
// dropped: SDK-side upload conveniences that reach the API as URL strings. `--closed` sets
// `additionalProperties: false` on object types, so that a field the SDK does not name is reported (TypeScript
// only refuses excess properties in object literals). Doc comments (ranges written in prose) are not converted.
import { readFileSync, writeFileSync } from 'node:fs'
import ts from 'typescript'

const args = process.argv.slice(2)
/** `--nullable Type.property`: a correction, where the API answers `null` for a property the SDK does not type so. */
const nullable = new Set()
let closed = false
while (args[0]?.startsWith('--')) {
  const flag = args.shift()
  if (flag === '--closed') closed = true
  else if (flag === '--nullable') nullable.add(args.shift())
  else throw new Error(`unknown option ${flag}`)
}
const [source, out, ...names] = args
const files = source
  .split(',')
  .map((path) => ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true))

/** Every interface and type alias, by qualified name (`Outer.Inner.Name`). */
const declarations = new Map()
function collect(node, scope) {
  if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) {
    const name = [...scope, node.name.text].join('.')
    declarations.set(name, [...(declarations.get(name) ?? []), { node, scope }])
  } else if (ts.isModuleDeclaration(node) && node.body) {
    const inner = [...scope, node.name.text]
    if (ts.isModuleBlock(node.body)) for (const statement of node.body.statements) collect(statement, inner)
  }
}
for (const file of files) for (const statement of file.statements) collect(statement, [])

/** A reference seen from inside `scope` resolves from the innermost namespace outwards. */
function resolve(name, scope) {
  for (let depth = scope.length; depth >= 0; depth--) {
    const qualified = [...scope.slice(0, depth), name].join('.')
    if (declarations.has(qualified)) return qualified
  }
  throw new Error(`cannot resolve ${name} from ${scope.join('.') || '(top)'}`)
}

const defs = {}
const notes = new Set()
function take(name) {
  if (name in defs) return
  const found = declarations.get(name)
  if (!found) throw new Error(`no type ${name} in ${source}`)
  defs[name] = null
  const [{ node, scope }] = found
  defs[name] = ts.isTypeAliasDeclaration(node) ? convert(node.type, scope) : objectOf(membersOf(name, new Set()), scope)
  for (const property of Object.keys(defs[name].properties ?? {}))
    if (nullable.delete(`${name}.${property}`)) {
      defs[name].properties[property] = { anyOf: [defs[name].properties[property], { type: 'null' }] }
      notes.add(`${name}.${property} made nullable`)
    }
}

/** An interface's members with those of the interfaces it extends (declaration merging included). */
function membersOf(name, seen) {
  if (seen.has(name)) return []
  seen.add(name)
  const members = []
  for (const { node, scope } of declarations.get(name) ?? []) {
    if (!ts.isInterfaceDeclaration(node)) continue
    for (const clause of node.heritageClauses ?? [])
      for (const base of clause.types) members.push(...membersOf(resolve(base.expression.getText(), scope), seen))
    members.push(...node.members.map((member) => ({ member, scope })))
  }
  return members
}

function objectOf(members, defaultScope) {
  const properties = {}
  const required = []
  for (const { member, scope = defaultScope } of members) {
    if (!ts.isPropertySignature(member) || !member.type) throw new Error(`unsupported member ${member.getText()}`)
    const key = member.name.getText().replace(/^['"]|['"]$/g, '')
    properties[key] = convert(member.type, scope)
    if (!member.questionToken) required.push(key)
  }
  const schema = { type: 'object', properties }
  if (required.length) schema.required = [...new Set(required)]
  if (closed) schema.additionalProperties = false
  return schema
}

function literal(node) {
  const { literal: value } = node
  if (ts.isStringLiteral(value)) return { type: 'string', value: value.text }
  if (ts.isNumericLiteral(value)) return { type: 'number', value: Number(value.text) }
  if (ts.isPrefixUnaryExpression(value)) return { type: 'number', value: -Number(value.operand.getText()) }
  if (value.kind === ts.SyntaxKind.TrueKeyword) return { type: 'boolean', value: true }
  if (value.kind === ts.SyntaxKind.FalseKeyword) return { type: 'boolean', value: false }
  if (value.kind === ts.SyntaxKind.NullKeyword) return undefined
  throw new Error(`unsupported literal ${node.getText()}`)
}

function convert(node, scope) {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: 'string' }
    case ts.SyntaxKind.NumberKeyword:
      return { type: 'number' }
    case ts.SyntaxKind.BooleanKeyword:
      return { type: 'boolean' }
    case ts.SyntaxKind.NullKeyword:
      return { type: 'null' }
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.AnyKeyword:
      return {}
  }
  if (ts.isParenthesizedTypeNode(node)) return convert(node.type, scope)
  if (ts.isTypeOperatorNode(node)) return convert(node.type, scope)
  if (ts.isArrayTypeNode(node)) return { type: 'array', items: convert(node.elementType, scope) }
  if (ts.isTypeLiteralNode(node))
    return objectOf(
      node.members.map((member) => ({ member, scope })),
      scope,
    )
  if (ts.isIntersectionTypeNode(node)) return { allOf: node.types.map((type) => convert(type, scope)) }
  if (ts.isLiteralTypeNode(node)) {
    const value = literal(node)
    return value ? { type: value.type === 'number' ? 'number' : value.type, const: value.value } : { type: 'null' }
  }
  if (ts.isUnionTypeNode(node)) {
    const types = node.types.filter((type) => {
      const upload = ts.isTypeReferenceNode(type) && ['Blob', 'File'].includes(type.typeName.getText())
      if (upload) notes.add('Blob/File alternatives dropped (sent as URL strings)')
      return !upload
    })
    // Literals of one type become one `enum` alternative: `'a' | 'b' | Ref` → anyOf [enum [a, b], Ref].
    const alternatives = []
    const enums = new Map()
    for (const type of types) {
      const value = ts.isLiteralTypeNode(type) ? literal(type) : undefined
      if (!value) alternatives.push(convert(type, scope))
      else if (enums.has(value.type)) enums.get(value.type).enum.push(value.value)
      else {
        const alternative = { type: value.type, enum: [value.value] }
        enums.set(value.type, alternative)
        alternatives.push(alternative)
      }
    }
    return alternatives.length === 1 ? alternatives[0] : { anyOf: alternatives }
  }
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText()
    const [argument, second] = node.typeArguments ?? []
    if ((name === 'Array' || name === 'ReadonlyArray') && argument)
      return { type: 'array', items: convert(argument, scope) }
    if (name === 'Record' && second) return { type: 'object', additionalProperties: convert(second, scope) }
    const qualified = resolve(name, scope)
    take(qualified)
    return { $ref: `#/$defs/${qualified}` }
  }
  throw new Error(`unsupported type ${node.getText()} (${ts.SyntaxKind[node.kind]})`)
}

for (const name of names) take(name)
if (nullable.size) throw new Error(`--nullable names no property of a converted type: ${[...nullable].join(', ')}`)
const bundle = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $comment: `Converted by ts-types-to-schema.mjs${closed ? ' --closed' : ''} from the SDK named in SOURCE.md`,
  $defs: defs,
}
writeFileSync(out, `${JSON.stringify(bundle, null, 2)}\n`)
console.log(`${out}: ${Object.keys(defs).length} schemas; notes: ${[...notes].join('; ') || 'none'}`)
