import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The import graph of core's source (tests excluded), type imports included, read as text.
const root = dirname(fileURLToPath(import.meta.url))

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

const graph = new Map<string, string[]>()
const lineCounts = new Map<string, number>()
const nodeImports = new Map<string, string[]>()
for (const file of sourceFiles(root)) {
  const text = readFileSync(file, 'utf8')
  lineCounts.set(relative(root, file), text.split('\n').length - 1)
  const targets = [...text.matchAll(/from '(\.[^']+)'/g)].map(
    (match) => relative(root, resolve(dirname(file), match[1]!)) + '.ts',
  )
  graph.set(relative(root, file), targets)
  const builtIns = [
    ...text.matchAll(/^import (?!type)[^']*'(node:[^']+|undici(?:\/[^']*)?|fs|path|url|crypto|dns|net)'/gm),
  ]
  if (builtIns.length > 0)
    nodeImports.set(
      relative(root, file),
      builtIns.map((match) => match[1]!),
    )
}

/** Every file `from` reaches through imports that are not type-only, not entering `stop`. */
function reachable(from: string, stop: string): Set<string> {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file) || file === stop) return
    seen.add(file)
    const text = readFileSync(join(root, file), 'utf8')
    for (const match of text.matchAll(/^(?:import|export) (?!type)[^']*from '(\.[^']+)'/gm))
      visit(relative(root, resolve(dirname(join(root, file)), match[1]!)) + '.ts')
  }
  visit(from)
  return seen
}

function cycles(): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return
    if (state.get(file) === 'open') return void found.push([...path.slice(path.indexOf(file)), file])
    state.set(file, 'open')
    for (const target of graph.get(file) ?? []) visit(target, [...path, file])
    state.set(file, 'done')
  }
  for (const file of graph.keys()) visit(file, [])
  return found
}

function importsOf(folder: string, forbidden: RegExp): string[] {
  return [...graph]
    .filter(([file]) => file.startsWith(`${folder}/`))
    .flatMap(([file, targets]) => targets.filter((target) => forbidden.test(target)).map((t) => `${file} -> ${t}`))
}

describe('core layers', () => {
  it('reads the graph', () => {
    expect(graph.size).toBeGreaterThan(20)
    expect(graph.get('index.ts')).toContain('client/llmkit-client.ts')
  })

  it('has no import cycle', () => {
    expect(cycles()).toEqual([])
  })

  it('keeps the provider contract free of the client, polling and retries', () => {
    expect(importsOf('provider', /^(client|poll|retry)\/|^http\/http-client/)).toEqual([])
  })

  it('keeps every layer below the client, and the call below the job lifecycle', () => {
    for (const folder of ['call', 'http', 'retry', 'poll', 'request', 'response', 'errors', 'util'])
      expect(importsOf(folder, /^client\//)).toEqual([])
    for (const folder of ['call', 'http', 'retry', 'request', 'response', 'util'])
      expect(importsOf(folder, /^poll\//)).toEqual([])
    for (const folder of ['http', 'retry', 'request', 'response', 'util'])
      expect(importsOf(folder, /^call\//)).toEqual([])
    expect(importsOf('retry', /^http\/http-client/)).toEqual([])
  })

  it('keeps every source file short enough to read in one sitting (200 lines)', () => {
    expect([...lineCounts].filter(([, lines]) => lines > 200)).toEqual([])
  })

  it('imports Node built-ins and undici only behind platform/node.ts (the web build replaces it)', () => {
    const webBuild = [...reachable('index.ts', 'platform/node.ts')]
    expect(webBuild.length).toBeGreaterThan(40)
    expect(webBuild.filter((file) => nodeImports.has(file))).toEqual([])
    expect([...nodeImports.keys()].sort()).toEqual([
      'http/node-address-check.ts',
      'http/undici-parts.ts',
      'provider/import-from.ts',
      'util/atomic-write.ts',
    ])
  })
})
