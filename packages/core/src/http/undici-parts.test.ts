import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Agent, EnvHttpProxyAgent, ProxyAgent } from './undici-parts'

// Core imports undici's files one by one instead of its index (see undici-parts.ts). These are
// undici's internal paths: an undici release that moves one fails here, not in users' apps.
const require = createRequire(import.meta.url)
const undici = require('undici') as typeof import('undici')
const src = fileURLToPath(new URL('..', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  )
}

describe("undici's files, imported one by one", () => {
  it("are the very classes and functions undici's index exports", () => {
    expect(Agent).toBe(undici.Agent)
    expect(ProxyAgent).toBe(undici.ProxyAgent)
    expect(EnvHttpProxyAgent).toBe(undici.EnvHttpProxyAgent)
    expect(require('undici/lib/core/connect.js')).toBe(undici.buildConnector)
    expect(require('undici/lib/dispatcher/dispatcher.js')).toBe(undici.Dispatcher)
    expect(require('undici/lib/api/index.js').connect).toBe(undici.Dispatcher.prototype.connect)
  })

  it("keeps undici's index out of core: only types come from 'undici' itself", () => {
    const valueImports = sources(src).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^import (?!type )[^']*'undici'/gm)].map(() => file),
    )
    expect(valueImports).toEqual([])
  })
})
