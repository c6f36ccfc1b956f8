import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../start-emulator'

let emulator: Emulator
let base: string
const key = () => emulator.keys.arta!

const post = (
  path: string,
  init: {
    json?: unknown
    form?: Record<string, string>
    multipart?: Record<string, string>
    headers?: Record<string, string>
  } = {},
) => {
  const headers: Record<string, string> = { ...init.headers }
  let body: string | FormData | undefined
  if (init.json !== undefined) ((headers['content-type'] = 'application/json'), (body = JSON.stringify(init.json)))
  if (init.form)
    ((headers['content-type'] = 'application/x-www-form-urlencoded'),
      (body = new URLSearchParams(init.form).toString()))
  if (init.multipart) {
    const data = new FormData()
    for (const [name, value] of Object.entries(init.multipart)) data.append(name, value)
    body = data
  }
  return fetch(`${base}${path}`, { method: 'POST', headers, body })
}

async function signUp(): Promise<{ idToken: string; refreshToken: string; localId: string }> {
  const response = await post(`/identitytoolkit/v3/relyingparty/signupNewUser?key=${key()}`, {
    json: { clientType: 'CLIENT_TYPE_ANDROID' },
  })
  return (await response.json()) as { idToken: string; refreshToken: string; localId: string }
}

const FIELDS = {
  prompt: 'a castle',
  negative_prompt: 'blurry, deformed hands, ugly',
  style: 'Medieval',
  images_num: '2',
  cfg_scale: '7',
  steps: '30',
  aspect_ratio: '16:9',
  seed: '1234',
}
const status = (token: string, id: string) =>
  fetch(`${base}/api/v1/text2image/${id}/status`, { headers: { authorization: token } })

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['arta'], clock: 'manual', timing: { queueMs: 1000, runMs: 2000 } })
  base = emulator.urls.arta!
})
afterAll(() => emulator.close())
beforeEach(() => emulator.clearFaults())

describe('ARTA emulator: Google sign-up and token refresh', () => {
  it('signs up anonymously with JSON, answering like Identity Toolkit v3', async () => {
    const response = await post(`/identitytoolkit/v3/relyingparty/signupNewUser?key=${key()}`, {
      json: { clientType: 'CLIENT_TYPE_ANDROID' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    const body = (await response.json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['expiresIn', 'idToken', 'kind', 'localId', 'refreshToken'])
    expect(body).toMatchObject({ kind: 'identitytoolkit#SignupNewUserResponse', expiresIn: '3600' })
  })

  it('refuses a missing key (403) and a wrong key (400 API_KEY_INVALID) with Google’s error envelope', async () => {
    const missing = await post('/identitytoolkit/v3/relyingparty/signupNewUser', { json: {} })
    expect(missing.status).toBe(403)
    expect(await missing.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } })
    const wrong = await post('/identitytoolkit/v3/relyingparty/signupNewUser?key=AIzaWrong', { json: {} })
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toMatchObject({
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ reason: 'API_KEY_INVALID' }],
      },
    })
  })

  it('refreshes with a form-urlencoded grant, keeping the user and the refresh token', async () => {
    const user = await signUp()
    const response = await post(`/v1/token?key=${key()}`, {
      form: { grant_type: 'refresh_token', refresh_token: user.refreshToken },
    })
    const body = (await response.json()) as Record<string, string>
    expect(body).toMatchObject({
      expires_in: '3600',
      token_type: 'Bearer',
      refresh_token: user.refreshToken,
      user_id: user.localId,
    })
    expect(body.id_token).not.toBe(user.idToken)
  })

  it.each([
    [{ json: { grant_type: 'refresh_token', refresh_token: 'x' } }, 'MISSING_GRANT_TYPE'],
    [{ form: { grant_type: 'password', refresh_token: 'x' } }, 'INVALID_GRANT_TYPE'],
    [{ form: { grant_type: 'refresh_token' } }, 'MISSING_REFRESH_TOKEN'],
    [{ form: { grant_type: 'refresh_token', refresh_token: 'unknown' } }, 'INVALID_REFRESH_TOKEN'],
  ])('rejects a bad refresh request %j with %s', async (init, message) => {
    const response = await post(`/v1/token?key=${key()}`, init)
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 400, message } })
  })
})

describe('ARTA emulator: text2image and status', () => {
  it('takes the urlencoded form with the raw token and moves IN_QUEUE → IN_PROGRESS → DONE', async () => {
    const { idToken } = await signUp()
    const submit = await post('/api/v1/text2image', { form: FIELDS, headers: { authorization: idToken } })
    expect(submit.headers.get('content-type')).toContain('application/json')
    const created = (await submit.json()) as { record_id: string }
    expect(created).toEqual({
      record_id: expect.any(String),
      status: 'IN_QUEUE',
      response: null,
      error_code: null,
      error_details: null,
      seed: 1234,
    })
    expect(await (await status(idToken, created.record_id)).json()).toMatchObject({
      status: 'IN_QUEUE',
      response: null,
    })
    emulator.advance(1500)
    expect(await (await status(idToken, created.record_id)).json()).toMatchObject({ status: 'IN_PROGRESS' })
    emulator.advance(2000)
    const done = (await (await status(idToken, created.record_id)).json()) as {
      status: string
      response: { name: string; url: string; isBlur: boolean; MIME: string }[]
    }
    expect(done.status).toBe('DONE')
    expect(done.response).toHaveLength(2)
    expect(done.response[0]).toEqual({
      name: expect.any(String),
      url: expect.stringMatching(/\/files\//),
      isBlur: false,
      MIME: 'image/png',
    })
    const png = Buffer.from(await (await fetch(done.response[0]!.url)).arrayBuffer())
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(png.readUInt32BE(16) / png.readUInt32BE(20)).toBeCloseTo(16 / 9, 1)
  })

  it('accepts multipart too, as ARTA’s app sends it', async () => {
    const { idToken } = await signUp()
    const response = await post('/api/v1/text2image', { multipart: FIELDS, headers: { authorization: idToken } })
    expect(response.status).toBe(200)
  })

  it.each([
    ['no Authorization header', undefined, 'Not authenticated'],
    ['a Bearer prefix', 'Bearer ', 'Invalid token: send the raw ID token, without "Bearer "'],
    ['an unknown token', 'garbage', 'Invalid token'],
  ])('answers 401 with a detail body for %s', async (_case, prefix, message) => {
    const { idToken } = await signUp()
    const authorization = prefix === undefined ? undefined : prefix === 'garbage' ? 'garbage' : `${prefix}${idToken}`
    const response = await post('/api/v1/text2image', { form: FIELDS, headers: authorization ? { authorization } : {} })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ detail: message })
  })

  it('refuses a token after its hour, and a token killed by a fault from then on', async () => {
    const { idToken } = await signUp()
    emulator.inject({ kind: 'token_expired', provider: 'arta', endpoint: 'submit' })
    const first = await post('/api/v1/text2image', { form: FIELDS, headers: { authorization: idToken } })
    expect([first.status, await first.json()]).toEqual([401, { detail: 'Token has expired' }])
    expect((await post('/api/v1/text2image', { form: FIELDS, headers: { authorization: idToken } })).status).toBe(401)
    const other = await signUp()
    expect((await post('/api/v1/text2image', { form: FIELDS, headers: { authorization: other.idToken } })).status).toBe(
      200,
    )
    emulator.advance(3600 * 1000)
    expect((await post('/api/v1/text2image', { form: FIELDS, headers: { authorization: other.idToken } })).status).toBe(
      401,
    )
  })

  it.each([
    [{ style: undefined }, { type: 'missing', loc: ['body', 'style'], msg: 'Field required' }],
    [{ prompt: undefined }, { type: 'missing', loc: ['body', 'prompt'], msg: 'Field required' }],
    [{ style: 'flux' }, { loc: ['body', 'style'] }],
    [{ images_num: '9' }, { type: 'less_than_equal', loc: ['body', 'images_num'] }],
    [{ steps: '51' }, { type: 'less_than_equal', loc: ['body', 'steps'] }],
    [{ cfg_scale: 'seven' }, { type: 'int_parsing', loc: ['body', 'cfg_scale'] }],
    [{ aspect_ratio: '5:4' }, { loc: ['body', 'aspect_ratio'] }],
  ])('rejects %j with a FastAPI 422', async (change, issue) => {
    const { idToken } = await signUp()
    const fields = Object.fromEntries(
      Object.entries({ ...FIELDS, ...change }).filter(([, value]) => value !== undefined),
    ) as Record<string, string>
    const response = await post('/api/v1/text2image', { form: fields, headers: { authorization: idToken } })
    expect(response.status).toBe(422)
    expect(((await response.json()) as { detail: unknown[] }).detail).toContainEqual(expect.objectContaining(issue))
  })

  it('rejects a JSON body: the API takes forms', async () => {
    const { idToken } = await signUp()
    const response = await post('/api/v1/text2image', { json: FIELDS, headers: { authorization: idToken } })
    expect(response.status).toBe(422)
  })

  it('ends a failing job in FAILED with error details, and an empty one in DONE with no images', async () => {
    const { idToken } = await signUp()
    emulator.inject({ kind: 'job_fails', provider: 'arta', message: 'NSFW' })
    const failing = (await (
      await post('/api/v1/text2image', { form: FIELDS, headers: { authorization: idToken } })
    ).json()) as { record_id: string }
    emulator.inject({ kind: 'empty_result', provider: 'arta' })
    const empty = (await (
      await post('/api/v1/text2image', { form: FIELDS, headers: { authorization: idToken } })
    ).json()) as { record_id: string }
    emulator.advance(3001)
    expect(await (await status(idToken, failing.record_id)).json()).toMatchObject({
      status: 'FAILED',
      response: null,
      error_code: 'GENERATION_FAILED',
      error_details: 'NSFW',
    })
    expect(await (await status(idToken, empty.record_id)).json()).toMatchObject({ status: 'DONE', response: [] })
  })

  it('answers 404 for an unknown record', async () => {
    const { idToken } = await signUp()
    const response = await status(idToken, 'nope')
    expect([response.status, await response.json()]).toEqual([404, { detail: 'Record not found' }])
  })
})
