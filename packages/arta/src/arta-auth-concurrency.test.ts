import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ImageFormat, ImageGenerationRequest, LLMKitClient } from '@llmkit/core'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { createArta, readArtaAuthFile } from './index'

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
const WORKERS = 4
let emulator: Emulator
let authFile: string
let round = 0

/** Runs one real node process that generates an image with the shared auth file. */
function worker(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@llmkit/source', '--import', 'tsx', 'test/token-worker.ts'], {
      cwd: packageRoot,
      env: { ...process.env, ...emulator.env, ARTA_AUTH_FILE: authFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('close', (code) => resolve({ code, output }))
  })
}

async function runWorkers() {
  const results = await Promise.all(Array.from({ length: WORKERS }, worker))
  for (const result of results)
    expect(result, result.output).toMatchObject({ code: 0, output: expect.stringContaining('"count":1') })
}

/** The token in the file is accepted by the service: a client in this process uses it without renewing. */
async function expectFileTokenWorks() {
  const token = await readArtaAuthFile(authFile)
  expect(token).toBeDefined()
  emulator.clearRequests()
  const client = new LLMKitClient({
    providers: [createArta({ authFile })],
    env: emulator.env,
    poll: { initialIntervalMs: 10, minIntervalMs: 5, maxIntervalMs: 40 },
  })
  await client.generateImage(new ImageGenerationRequest('arta:flux', 'check').with_format(ImageFormat.Url))
  expect(emulator.requestsFor('arta', 'submit')[0]!.headers.authorization).toBe(token!.idToken)
  expect(emulator.requestsFor('arta', 'signup')).toHaveLength(0)
  expect(emulator.requestsFor('arta', 'refresh')).toHaveLength(0)
}

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['arta'], timing: { queueMs: 20, runMs: 40, initialPosition: 0 } })
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
  authFile = join(mkdtempSync(join(tmpdir(), 'llmkit-arta-multi-')), `round-${++round}`, 'arta-auth.json')
  // Slow auth answers, so that the processes' renewals overlap.
  emulator.inject({ kind: 'latency', provider: 'arta', endpoint: 'signup', delayMs: 800, times: Infinity })
  emulator.inject({ kind: 'latency', provider: 'arta', endpoint: 'refresh', delayMs: 800, times: Infinity })
})

describe('several processes sharing one auth file', { timeout: 90_000 }, () => {
  it('all sign up from nothing and leave one valid file', async () => {
    await runWorkers()
    const signUps = emulator.requestsFor('arta', 'signup').length
    expect(signUps).toBeGreaterThanOrEqual(1)
    expect(signUps).toBeLessThanOrEqual(WORKERS)
    emulator.clearFaults()
    await expectFileTokenWorks()
  })

  it('refresh a half-life token exactly once between them', async () => {
    await runWorkers() // a first token
    const token = (await readArtaAuthFile(authFile))!
    await writeFile(authFile, JSON.stringify({ ...token, issuedAt: Date.now() - 2_000_000 }))
    emulator.clearRequests()
    await runWorkers()
    expect(emulator.requestsFor('arta', 'refresh')).toHaveLength(1)
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(0)
    expect((await readArtaAuthFile(authFile))!.idToken).not.toBe(token.idToken)
    emulator.clearFaults()
    await expectFileTokenWorks()
  })

  it('replace an expired token and never leave a torn file', async () => {
    await runWorkers()
    const token = (await readArtaAuthFile(authFile))!
    await writeFile(authFile, JSON.stringify({ ...token, issuedAt: Date.now() - 4_000_000 }))
    emulator.clearRequests()
    await runWorkers()
    expect(emulator.requestsFor('arta', 'refresh')).toHaveLength(0)
    expect(() => JSON.parse(readFileSync(authFile, 'utf8'))).not.toThrow()
    emulator.clearFaults()
    await expectFileTokenWorks()
  })
})
