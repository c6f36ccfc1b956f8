import { execFileSync } from 'node:child_process'
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

  it("leaves undici's index and Node's own undici unloaded through a request (the built package, a fresh process)", () => {
    // Reading the FormData, fetch or Response globals makes Node load its bundled undici (~15 ms).
    const script = `
      import { createRequire } from 'node:module'
      import { createServer } from 'node:http'
      const { HttpClient } = await import(${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)})
      const server = createServer((request, response) => response.end('{}'))
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
      const http = new HttpClient()
      const response = await http.send({ url: 'http://127.0.0.1:' + server.address().port + '/x', json: { a: 1 } })
      await http.close()
      server.close()
      console.log(JSON.stringify({
        status: response.status,
        transport: http.transport,
        undiciIndex: Object.keys(createRequire(import.meta.url).cache).filter((path) => /[/]undici[/]index[.]js$/.test(path)),
        nodeUndici: process.moduleLoadList.filter((name) => name.includes('internal/deps/undici')),
      }))`
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(JSON.parse(output)).toEqual({ status: 200, transport: 'undici', undiciIndex: [], nodeUndici: [] })
  })
})
