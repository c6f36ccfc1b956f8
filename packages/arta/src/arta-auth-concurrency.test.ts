import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
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

async function runWorkers(count = WORKERS) {
  const results = await Promise.all(Array.from({ length: count }, worker))
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
  it('all start from nothing: one sign-up between them, one valid file', async () => {
    await runWorkers()
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(1)
    emulator.clearFaults()
    await expectFileTokenWorks()
  })

  it('take over at once the lock of a process killed (SIGKILL) while holding it: one sign-up', async () => {
    await mkdir(dirname(authFile), { recursive: true })
    const lock = `${authFile}.lock`
    // Takes the lock the way arta-auth does, says so, then hangs until killed.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs'); const fd = fs.openSync(${JSON.stringify(lock)}, 'wx', 0o600);
         fs.writeSync(fd, process.pid + ' holder'); fs.closeSync(fd); process.stdout.write('locked'); setInterval(() => {}, 1000)`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()))
    holder.kill('SIGKILL')
    await new Promise((resolve) => holder.once('close', resolve))
    expect(readFileSync(lock, 'utf8')).toBe(`${holder.pid} holder`)
    const started = Date.now()
    await runWorkers(2)
    expect(Date.now() - started).toBeLessThan(30_000) // not staleLockMs (60 s) per process
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(1)
    expect(existsSync(lock)).toBe(false)
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
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(1)
    expect(() => JSON.parse(readFileSync(authFile, 'utf8'))).not.toThrow()
    emulator.clearFaults()
    await expectFileTokenWorks()
  })
})
