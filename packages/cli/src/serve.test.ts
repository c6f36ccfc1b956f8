import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { run } from './index'

function capture(env: Record<string, string>, signal?: AbortSignal) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  return { io: { stdout, stderr, env, signal }, out: () => out, err: () => err }
}

describe('llmkit serve', () => {
  it('prints where it listens once it accepts connections (--port 0), serves the emulated providers, stops on abort', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'llmkit-serve-'))
    const controller = new AbortController()
    const { io, out, err } = capture({ LLMKIT_DATA_DIR: dataDir, XDG_CACHE_HOME: dataDir }, controller.signal)
    const exited = run(['serve', '--emulator', '--port', '0'], io)
    try {
      let url: string | undefined
      for (let i = 0; i < 300 && !url; i++) {
        url = /^llmkit gateway listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out())?.[1]
        if (!url) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(url).toBeDefined()
      expect(err()).toContain('no gateway keys')
      const response = await fetch(`${url}/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'local:sketch',
          prompt: 'a lighthouse',
          size: '256x256',
          response_format: 'b64_json',
        }),
      })
      expect(response.status).toBe(200)
      const body = (await response.json()) as { data: { b64_json: string }[] }
      expect(Buffer.from(body.data[0]!.b64_json, 'base64').subarray(1, 4).toString()).toBe('PNG')
    } finally {
      controller.abort()
      expect(await exited).toBe(0)
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('refuses to listen beyond loopback without gateway keys', async () => {
    const { io, err } = capture({})
    expect(await run(['serve', '--host', '0.0.0.0', '--port', '0'], io)).toBe(4)
    expect(err()).toContain('Refusing to listen on 0.0.0.0 without gateway keys')
  })
})
