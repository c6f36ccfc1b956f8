import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator, type FaultKind } from '@llmkit/testing'
import { ImageGenerationRequest, LLMKitClient } from './index'

// Secrets must appear in no error, cause chain, or anything util.inspect / console.error shows.
let cacheDir: string
let emulator: Emulator
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'llmkit-secrets-'))
  emulator = await startEmulator({ timing: { queueMs: 10, runMs: 30 } })
})
afterAll(async () => {
  await emulator.close()
  await rm(cacheDir, { recursive: true, force: true })
})

const PROVIDERS: readonly (readonly [string, string, string])[] = [
  ['openai', 'openai:dall-e-2', 'OPENAI_BASE_URL'],
  ['fal', 'fal:fal-ai/flux/schnell', 'FAL_BASE_URL'],
  ['stability', 'stability:stability-ai/stable-diffusion-xl', 'STABILITY_BASE_URL'],
  ['recraft', 'recraft:recraft-v3', 'RECRAFT_BASE_URL'],
  ['replicate', 'replicate:black-forest-labs/flux-schnell', 'REPLICATE_BASE_URL'],
  ['runway', 'runway:gen4_image', 'RUNWAYML_BASE_URL'],
  ['arta', 'arta:flux', 'ARTA_BASE_URL'],
  ['imagelabs', 'imagelabs:sdxl-turbo', 'IMAGELABS_BASE_URL'],
]
const PROXY_PASSWORD = 'pr0xy-Pa55word-0123'

function secretsIn(text: string): string[] {
  const keys = Object.values(emulator.keys).filter((key) => key !== 'no-key-needed')
  return [...keys, PROXY_PASSWORD].filter((secret) => text.includes(secret))
}

async function failureOf(env: Record<string, string>, model: string, extra: object = {}): Promise<unknown> {
  const client = LLMKitClient.fromEnv({
    env: { ...emulator.env, ARTA_AUTH_FILE: join(cacheDir, `auth-${Math.random()}.json`), ...env },
    retry: { maxRetries: 0 },
    poll: { initialIntervalMs: 10, minIntervalMs: 10, maxIntervalMs: 20 },
    ...extra,
  })
  try {
    return await client.generateImage(new ImageGenerationRequest(model, 'a lighthouse')).then(
      () => new Error('expected a failure'),
      (error: unknown) => error,
    )
  } finally {
    await client.close()
  }
}

const FAULTS: readonly FaultKind[] = ['unauthorized', 'server_error', 'reset']

describe.each(PROVIDERS)('%s: no secret in any failure', (provider, model, baseEnv) => {
  // ImageLabs takes no key, so it has no unauthorized answer.
  it.each(FAULTS.filter((kind) => provider !== 'imagelabs' || kind !== 'unauthorized'))('%s', async (kind) => {
    emulator.inject({ kind, provider, times: Infinity })
    try {
      const error = await failureOf({}, model)
      const shown = inspect(error, { depth: null })
      expect(shown).toMatch(/LLMKitError/)
      expect(secretsIn(shown)).toEqual([])
    } finally {
      emulator.clearFaults()
    }
  })

  it('a malformed base URL', async () => {
    const error = await failureOf({ [baseEnv]: 'http://[::1:bad/v1?key=leak' }, model)
    const shown = inspect(error, { depth: null })
    expect(shown).toMatch(/LLMKitError/)
    expect(secretsIn(shown)).toEqual([])
  })

  it('a malformed proxy URL, from the environment and as an option', async () => {
    const fromEnv = await Promise.resolve()
      .then(() => failureOf({ HTTPS_PROXY: `http://user:${PROXY_PASSWORD}@[bad` }, model))
      .catch((error: unknown) => error)
    const shownEnv = inspect(fromEnv, { depth: null })
    expect(shownEnv).toMatch(/LLMKitError/)
    expect(secretsIn(shownEnv)).toEqual([])
    const option = await Promise.resolve()
      .then(() => failureOf({}, model, { httpOptions: { proxy: `http://user:${PROXY_PASSWORD}@[bad` } }))
      .catch((error: unknown) => error)
    const shownOption = inspect(option, { depth: null })
    expect(shownOption).toMatch(/LLMKitError/)
    expect(secretsIn(shownOption)).toEqual([])
  })
})

it('arta: a malformed ARTA_AUTH_BASE_URL does not put ?key= into the cause', async () => {
  const error = await failureOf({ ARTA_AUTH_BASE_URL: 'http://[::1:bad' }, 'arta:flux')
  const shown = inspect(error, { depth: null })
  expect(shown).toMatch(/LLMKitError/)
  expect(secretsIn(shown)).toEqual([])
  expect(shown).not.toContain(emulator.keys.arta!)
})
