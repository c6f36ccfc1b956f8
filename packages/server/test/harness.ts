import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LLMKitClient, type ImageProvider } from '@llmkit/core'
import { fal } from '@llmkit/fal'
import { local } from '@llmkit/local'
import { openai } from '@llmkit/openai'
import { replicate } from '@llmkit/replicate'
import { stability } from '@llmkit/stability'
import { startEmulator, type Emulator, type EmulatorOptions } from '@llmkit/testing'
import { createGateway, type Gateway, type GatewayOptions, type RequestLogEntry } from '../src/index'

export const PROVIDERS: readonly ImageProvider[] = [openai, fal, stability, replicate, local]

/** An emulator, a client on it, and a gateway on a free loopback port, with a temp data folder. */
export interface Harness {
  emulator: Emulator
  client: LLMKitClient
  gateway: Gateway
  url: string
  dataDir: string
  logs: RequestLogEntry[]
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>
  get(path: string, headers?: Record<string, string>): Promise<Response>
  close(): Promise<void>
}

export async function startHarness(
  options: Partial<GatewayOptions> = {},
  emulatorOptions: EmulatorOptions = {},
): Promise<Harness> {
  const emulator = await startEmulator({
    providers: ['openai', 'fal', 'stability', 'replicate'],
    timing: { queueMs: 100, runMs: 300, initialPosition: 1 },
    ...emulatorOptions,
  })
  const dataDir = await mkdtemp(join(tmpdir(), 'llmkit-gateway-'))
  const client = LLMKitClient.fromEnv({
    env: { ...emulator.env, XDG_CACHE_HOME: dataDir },
    providers: PROVIDERS,
    retry: { maxRetries: 0 },
    poll: { initialIntervalMs: 50, minIntervalMs: 50, maxIntervalMs: 100 },
  })
  const logs: RequestLogEntry[] = []
  const gateway = createGateway({ client, dataDir, env: {}, log: (entry) => logs.push(entry), ...options })
  const { url } = await gateway.listen({ port: 0 })
  const request =
    (method: string) =>
    (path: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      })
  return {
    emulator,
    client,
    gateway,
    url,
    dataDir,
    logs,
    post: (path, body, headers) => request('POST')(path, body, headers),
    get: (path, headers) => request('GET')(path, undefined, headers),
    async close() {
      await gateway.close({ graceMs: 100 })
      await client.close()
      await emulator.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** A response's JSON body, untyped (tests read what they check). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function json(response: Response): Promise<any> {
  return response.json()
}
