import { mkdtempSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { mkdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ImageFormat,
  ImageGenerationRequest,
  ImageSize,
  LLMKitClient,
  LLMKitError,
  type ImageModelIds,
  type ImageProgressEvent,
  type ImageProvider,
} from '@llmkit/core'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { arta, ARTA_IMAGE_MODELS, ARTA_STYLE_ALIASES, createArta, defaultArtaAuthFile, readArtaAuthFile } from './index'

let emulator: Emulator
let folder: string
let authFile: string
const env = () => ({ ...emulator.env, ARTA_AUTH_FILE: authFile })
const client = (provider: ImageProvider = arta, extra: Record<string, string> = {}, timeoutMs?: number) =>
  new LLMKitClient({
    providers: [provider],
    env: { ...env(), ...extra },
    timeoutMs,
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    poll: { initialIntervalMs: 10, minIntervalMs: 5, maxIntervalMs: 40 },
  })
const request = (model = 'arta:flux', prompt = 'a red fox in the snow') =>
  new ImageGenerationRequest(model, prompt).with_format(ImageFormat.Url)
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as LLMKitError,
  )
const stored = async () => (await readArtaAuthFile(authFile))!
let fileIndex = 0

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['arta'], timing: { queueMs: 40, runMs: 80, initialPosition: 1 } })
  folder = mkdtempSync(join(tmpdir(), 'llmkit-arta-'))
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
  authFile = join(folder, `auth-${++fileIndex}`, 'arta-auth.json')
})

describe('request mapping', () => {
  it('signs up with JSON, then submits the documented fields form-urlencoded with the raw token', async () => {
    const response = await client().generateImage(request().with_seed(4242).with_size(ImageSize.Landscape1792x1024))
    const [signUp] = emulator.requestsFor('arta', 'signup')
    expect(signUp!.path).toBe('/identitytoolkit/v3/relyingparty/signupNewUser')
    expect(signUp!.query).toEqual({ key: emulator.keys.arta })
    expect(signUp!.headers['content-type']).toBe('application/json')
    expect(signUp!.json).toEqual({ clientType: 'CLIENT_TYPE_ANDROID' })
    const [submit] = emulator.requestsFor('arta', 'submit')
    const token = (await stored()).idToken
    expect(submit!.method).toBe('POST')
    expect(submit!.path).toBe('/api/v1/text2image')
    expect(submit!.headers.authorization).toBe(token)
    expect(submit!.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(submit!.form).toEqual({
      prompt: 'a red fox in the snow',
      negative_prompt: 'blurry, deformed hands, ugly',
      style: 'Flux',
      images_num: '1',
      cfg_scale: '7',
      steps: '30',
      aspect_ratio: '16:9',
      seed: '4242',
    })
    const polls = emulator.requestsFor('arta', 'status')
    expect(polls.length).toBeGreaterThanOrEqual(1)
    expect(polls.every((poll) => poll.method === 'GET' && poll.headers.authorization === token)).toBe(true)
    expect(polls[0]!.path).toMatch(/^\/api\/v1\/text2image\/[0-9a-f-]{36}\/status$/)
    expect(response.first()!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.png$/)
    expect(response.first()!.seed).toBe(4242)
    expect(response.jobs[0]).toMatchObject({
      provider: 'arta',
      model: 'flux',
      data: { style: 'Flux' },
      call: { seed: 4242 },
    })
    expect(JSON.stringify(response.jobs[0])).not.toContain(token)
  })

  it('sends n as images_num in one call, the negative prompt and provider options', async () => {
    const response = await client().generateImage(
      request('arta:flux-dev')
        .with_n(3)
        .with_negative_prompt('text, watermark')
        .with_provider_options('arta', { guidance_scale: 9, num_inference_steps: 40, aspect_ratio: '9:21' }),
    )
    expect(response.count).toBe(3)
    const [submit] = emulator.requestsFor('arta', 'submit')
    expect(submit!.form).toMatchObject({
      style: 'F Dev',
      images_num: '3',
      negative_prompt: 'text, watermark',
      cfg_scale: '9',
      steps: '40',
      aspect_ratio: '9:21',
    })
    const seed = Number(submit!.form!.seed)
    expect(seed).toBeGreaterThanOrEqual(9999)
    expect(seed).toBeLessThanOrEqual(99_999_999)
  })

  it('sends multipart when asked, as ARTA’s app does', async () => {
    await client(createArta({ multipart: true })).generateImage(request('arta:medieval').with_seed(1))
    const [submit] = emulator.requestsFor('arta', 'submit')
    expect(submit!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(submit!.multipart).toMatchObject({
      prompt: 'a red fox in the snow',
      style: 'Medieval',
      images_num: '1',
      seed: '1',
      aspect_ratio: '1:1',
    })
  })

  it('snaps an unsupported aspect ratio to the nearest one, with a warning', async () => {
    const response = await client().generateImage(request().with_aspect_ratio('5:4'))
    expect(emulator.requestsFor('arta', 'submit')[0]!.form!.aspect_ratio).toBe('4:3')
    expect(response.warnings.join(' ')).toContain('aspect ratio 5:4')
  })

  it('rejects out-of-range options before any request', async () => {
    const error = await failure(
      client().generateImage(request().with_provider_options('arta', { num_inference_steps: 51 })),
    )
    expect(error).toMatchObject({ code: 'invalid_request' })
    expect(error!.message).toContain('num_inference_steps')
    expect(emulator.requests).toHaveLength(0)
  })
})

describe('models', () => {
  it('has every alias of the documented table, 55 names for 52 styles plus gpt-image', () => {
    const names = ARTA_IMAGE_MODELS.flatMap((model) => [model.id, ...(model.aliases ?? [])])
    expect(names.sort()).toEqual(Object.keys(ARTA_STYLE_ALIASES).sort())
    expect(names).toHaveLength(55)
    expect(ARTA_IMAGE_MODELS).toHaveLength(53)
    expect(ARTA_IMAGE_MODELS.every((model) => model.routesWithoutPrefix === false)).toBe(true)
  })

  it.each([
    ['arta:Vincent Van Gogh', 'Vincent Van Gogh'],
    ['arta:Japanese_2', 'Japanese_2'],
    ['arta:F Pro', 'F Pro'],
    ['arta:Flux', 'Flux'],
    ['arta:Watercolor', 'Watercolor'],
    ['arta:tattoo', 'tattoo'],
    ['arta:flux-pro', 'F Pro'],
  ])('routes %s to style %s', async (model, style) => {
    await client().generateImage(request(model).with_seed(7))
    expect(emulator.requestsFor('arta', 'submit')[0]!.form!.style).toBe(style)
  })

  it('picks gpt-image’s style from the seed, so the same seed sends the same style', async () => {
    const styles: string[] = []
    for (const seed of [30, 31, 32, 30]) {
      emulator.clearRequests()
      await client().generateImage(request('arta:gpt-image').with_seed(seed))
      styles.push(emulator.requestsFor('arta', 'submit')[0]!.form!.style!)
    }
    expect(styles).toEqual(['GPT4o', 'High GPT4o', 'GPT4o Ghibli', 'GPT4o'])
  })

  it('rejects an unknown model with the list of valid ones, before any request', async () => {
    const error = await failure(client().generateImage(request('arta:Fluxx-ultra')))
    expect(error!.code).toBe('unknown_model')
    expect(error!.message).toContain('flux')
    expect(error!.message).toContain('vincent-van-gogh')
    expect(emulator.requests).toHaveLength(0)
  })

  it('does not route bare names to an unofficial service', () => {
    expect(() => client().resolveModel('flux')).toThrow(/Unknown model/)
    expect(client().resolveModel('arta:flux').model.id).toBe('flux')
  })

  it('is unofficial and registered by fromEnv only with a key', () => {
    expect(arta.apiStatus).toBe('unofficial')
    expect(LLMKitClient.fromEnv({ providers: [arta], env: {} }).providers).toHaveLength(0)
    expect(LLMKitClient.fromEnv({ providers: [arta], env: { ARTA_API_KEY: 'k' } }).providers.map((p) => p.id)).toEqual([
      'arta',
    ])
    expect(LLMKitClient.fromEnv({ providers: [createArta({ apiKey: 'k' })], env: {} }).providers).toHaveLength(1)
  })
})

describe('job states', () => {
  it('reports Waiting and Generating as queued and running progress events', async () => {
    const events: ImageProgressEvent[] = []
    await client().generateImage(request(), { onProgress: (event) => events.push(event) })
    const messages = events.flatMap((event) =>
      event.type === 'queued' || event.type === 'running' ? [`${event.type}:${event.message}`] : [],
    )
    expect(messages).toContain('queued:Waiting')
    expect(messages).toContain('running:Generating')
    expect(events.at(-1)!.type).toBe('done')
  })

  it('turns FAILED into a typed error carrying ARTA’s details', async () => {
    emulator.inject({ kind: 'job_fails', provider: 'arta', message: 'NSFW content detected' })
    const error = await failure(client().generateImage(request()))
    expect(error!.code).toBe('provider_error')
    expect(error!.provider).toBe('arta')
    expect(error!.message).toBe(
      'arta: image generation failed with status FAILED: GENERATION_FAILED, NSFW content detected',
    )
    expect(emulator.requestsFor('arta', 'submit')).toHaveLength(1)
  })

  it('maps DONE without images to no_image', async () => {
    emulator.inject({ kind: 'empty_result', provider: 'arta' })
    await expect(client().generateImage(request())).rejects.toMatchObject({ code: 'no_image' })
  })

  it('stops polling at the deadline with a resumable timeout', async () => {
    emulator.inject({ kind: 'job_never_finishes', provider: 'arta' })
    const error = await failure(client(arta, {}, 2_000).generateImage(request()))
    expect(error!.code).toBe('timeout')
    expect(error!.job).toMatchObject({ provider: 'arta', model: 'flux' })
  })

  it('aborts while polling with the AbortError', async () => {
    emulator.inject({ kind: 'job_never_finishes', provider: 'arta' })
    const controller = new AbortController()
    const run = client().generateImage(request(), {
      signal: controller.signal,
      onProgress: (event) => event.type === 'running' && controller.abort(),
    })
    await expect(run).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('token lifecycle', () => {
  it('stores the signed-up token owner-only and reuses it while young', async () => {
    await client().generateImage(request())
    const token = await stored()
    expect(token).toMatchObject({ version: 1, expiresInSeconds: 3600 })
    expect((await stat(authFile)).mode & 0o777).toBe(0o600)
    expect(await readFile(authFile, 'utf8')).not.toContain(emulator.keys.arta!)
    await client().generateImage(request())
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(1)
    expect(emulator.requestsFor('arta', 'refresh')).toHaveLength(0)
    expect(emulator.requestsFor('arta', 'submit')[1]!.headers.authorization).toBe(token.idToken)
  })

  it('refreshes a token older than half its lifetime (form-urlencoded), keeping the user', async () => {
    await client().generateImage(request())
    const before = await stored()
    await writeFile(authFile, JSON.stringify({ ...before, issuedAt: Date.now() - 1_900_000 }))
    emulator.clearRequests()
    await client().generateImage(request())
    const [refresh] = emulator.requestsFor('arta', 'refresh')
    expect(refresh!.path).toBe('/v1/token')
    expect(refresh!.query).toEqual({ key: emulator.keys.arta })
    expect(refresh!.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(refresh!.form).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken })
    const after = await stored()
    expect(after.idToken).not.toBe(before.idToken)
    expect(after.localId).toBe(before.localId)
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(0)
    expect(emulator.requestsFor('arta', 'submit')[0]!.headers.authorization).toBe(after.idToken)
  })

  it('signs up again when the token has expired', async () => {
    await client().generateImage(request())
    const before = await stored()
    await writeFile(authFile, JSON.stringify({ ...before, issuedAt: Date.now() - 3_700_000 }))
    emulator.clearRequests()
    await client().generateImage(request())
    expect(emulator.requestsFor('arta', 'refresh')).toHaveLength(0)
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(1)
    expect((await stored()).localId).not.toBe(before.localId)
  })

  it.each(['token_expired', 'token_invalid'] as const)(
    'retries once with a refreshed token after a 401 (%s) on submit',
    async (kind) => {
      await client().generateImage(request())
      const before = await stored()
      emulator.clearRequests()
      emulator.inject({ kind, provider: 'arta', endpoint: 'submit' })
      await client().generateImage(request())
      const submits = emulator.requestsFor('arta', 'submit')
      expect(submits.map((s) => s.headers.authorization)).toEqual([before.idToken, (await stored()).idToken])
      expect(submits[1]!.headers.authorization).not.toBe(before.idToken)
      expect(emulator.requestsFor('arta', 'refresh')).toHaveLength(1)
    },
  )

  it('retries a status poll once with a fresh token after a 401', async () => {
    emulator.inject({ kind: 'token_expired', provider: 'arta', endpoint: 'status' })
    const response = await client().generateImage(request())
    expect(response.count).toBe(1)
    expect(emulator.requestsFor('arta', 'submit')).toHaveLength(1)
    expect(emulator.requestsFor('arta', 'refresh')).toHaveLength(1)
  })

  it('signs up when the refresh token is refused', async () => {
    emulator.inject({ kind: 'token_expired', provider: 'arta', endpoint: 'submit' })
    emulator.inject({ kind: 'token_invalid', provider: 'arta', endpoint: 'refresh' })
    await client().generateImage(request())
    expect(emulator.requestsFor('arta', 'refresh')).toHaveLength(1)
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(2)
    expect(emulator.requestsFor('arta', 'submit')).toHaveLength(2)
  })

  it('gives up after one retry with an authentication error that names no token', async () => {
    emulator.inject({ kind: 'token_invalid', provider: 'arta', endpoint: 'submit', times: Infinity })
    const error = await failure(client().generateImage(request()))
    expect(error!.code).toBe('authentication')
    expect(error!.status).toBe(401)
    expect(error!.message).toContain('refused twice')
    expect(emulator.requestsFor('arta', 'submit')).toHaveLength(2)
    const token = (await stored()).idToken
    expect(`${error!.message} ${error!.body}`).not.toContain(token)
  })

  it.each([
    ['corrupt JSON', '{"version":1,"idToken":"abc'],
    ['an empty file', ''],
    [
      'a file of another format',
      JSON.stringify({
        kind: 'identitytoolkit#SignupNewUserResponse',
        idToken: 'x',
        refreshToken: 'y',
        expiresIn: '3600',
      }),
    ],
  ])('treats %s as absent and repairs it', async (_name, content) => {
    await client().generateImage(request()) // creates the folder
    await writeFile(authFile, content)
    emulator.clearRequests()
    await client().generateImage(request())
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(1)
    expect((await stored()).idToken).toBe(emulator.requestsFor('arta', 'submit')[0]!.headers.authorization)
  })

  it('ignores a token issued for another key', async () => {
    await client().generateImage(request())
    emulator.clearRequests()
    const error = await failure(
      client(arta, { ARTA_API_KEY: 'AIzaSy-some-other-key-00000000000000' }).generateImage(request()),
    )
    expect(error!.code).toBe('authentication')
    expect(error!.message).not.toContain('some-other-key')
    expect(emulator.requestsFor('arta', 'submit')).toHaveLength(0)
  })

  it('breaks a stale lock left by a crashed process', async () => {
    await client().generateImage(request())
    const before = await stored()
    await writeFile(authFile, JSON.stringify({ ...before, issuedAt: Date.now() - 3_700_000 }))
    await writeFile(`${authFile}.lock`, '99999 dead')
    const old = new Date(Date.now() - 120_000)
    await utimes(`${authFile}.lock`, old, old)
    await client().generateImage(request())
    expect((await stored()).idToken).not.toBe(before.idToken)
    await expect(stat(`${authFile}.lock`)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('waits while a live process holds the lock, then uses the token it saved instead of renewing', async () => {
    await client().generateImage(request())
    const valid = await stored()
    await writeFile(authFile, JSON.stringify({ ...valid, issuedAt: Date.now() - 3_700_000 })) // expired here
    await writeFile(`${authFile}.lock`, `${process.pid} busy`) // a live holder: this process
    emulator.clearRequests()
    const pending = client().generateImage(request())
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(emulator.requests).toHaveLength(0)
    await writeFile(authFile, JSON.stringify({ ...valid, issuedAt: Date.now() })) // the holder's renewal
    await unlink(`${authFile}.lock`)
    expect((await pending).count).toBe(1)
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(0)
    expect(emulator.requestsFor('arta', 'refresh')).toHaveLength(0)
    expect(emulator.requestsFor('arta', 'submit')[0]!.headers.authorization).toBe(valid.idToken)
  })

  it('keeps using a token that still works while another process renews it', async () => {
    await client().generateImage(request())
    const halfLife = { ...(await stored()), issuedAt: Date.now() - 2_000_000 }
    await writeFile(authFile, JSON.stringify(halfLife))
    await writeFile(`${authFile}.lock`, `${process.pid} busy`)
    emulator.clearRequests()
    expect((await client().generateImage(request())).count).toBe(1)
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(0)
    expect(emulator.requestsFor('arta', 'refresh')).toHaveLength(0)
    expect(JSON.parse(await readFile(authFile, 'utf8'))).toEqual(halfLife)
  })

  it('takes over at once a fresh lock whose process has died', async () => {
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
    )
    await mkdir(dirname(authFile), { recursive: true })
    await writeFile(`${authFile}.lock`, `${dead} crashed`)
    const started = Date.now()
    expect((await client().generateImage(request())).count).toBe(1)
    expect(Date.now() - started).toBeLessThan(5_000) // not the 60 s of staleLockMs
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(1)
    await expect(stat(`${authFile}.lock`)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('N concurrent calls in one process sign up once (single flight)', async () => {
    const shared = client(createArta())
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) => shared.generateImage(request('arta:flux', `fox ${index}`))),
    )
    expect(responses.map((response) => response.count)).toEqual(Array(8).fill(1))
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(1)
    const tokens = new Set(emulator.requestsFor('arta', 'submit').map((entry) => entry.headers.authorization))
    expect(tokens.size).toBe(1)
  })

  it('two providers in one process (two auth instances) take turns through the lock: one sign-up', async () => {
    emulator.inject({ kind: 'latency', provider: 'arta', endpoint: 'signup', delayMs: 300, times: Infinity })
    const [first, second] = [client(createArta()), client(createArta())]
    await Promise.all([
      first.generateImage(request()),
      second.generateImage(request()),
      first.generateImage(request()),
      second.generateImage(request()),
    ])
    expect(emulator.requestsFor('arta', 'signup')).toHaveLength(1)
  })

  it('puts the auth file in the user cache folder unless told otherwise', () => {
    expect(defaultArtaAuthFile({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/llmkit/arta-auth.json')
    expect(defaultArtaAuthFile({})).toMatch(/\.cache\/llmkit\/arta-auth\.json$/)
  })

  it('says which variable to set when no key is configured', async () => {
    const error = await failure(client(arta, { ARTA_API_KEY: '' }).generateImage(request()))
    expect(error!.code).toBe('authentication')
    expect(error!.message).toContain('ARTA_API_KEY')
    expect(emulator.requests).toHaveLength(0)
  })
})

describe('model ids', () => {
  it('declares arta:<alias> to core, so a request autocompletes them (checked by the typecheck)', () => {
    const known: keyof ImageModelIds = 'arta:anything-xl'
    // @ts-expect-error a bare alias is not declared: another provider may route it
    const bare: keyof ImageModelIds = 'anything-xl'
    expect(new ImageGenerationRequest(known, 'a cat').model).toBe('arta:anything-xl')
    expect(bare).toBe('anything-xl')
  })
})
