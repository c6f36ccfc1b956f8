import { randomBytes, randomUUID } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { defineEmulatedProvider, type EmulatorContext } from '../../server/emulated-provider'
import { memoOnce } from '../../server/job-memo'
import type { EmulatedJob } from '../../server/job-store'
import { artaDimensions, validateArtaForm, type ArtaGeneration } from './arta-rules'

/** Lifetime of an emulated ID token, as Firebase's `expiresIn`. */
export const ARTA_TOKEN_LIFETIME_SECONDS = 3600

interface IssuedToken {
  readonly localId: string
  readonly issuedAt: number
  /** Set when a token fault killed it: it stays refused from then on. */
  dead?: 'expired' | 'invalid'
}

/** The emulator's Firebase project: users, ID tokens and refresh tokens. */
class TokenBook {
  readonly idTokens = new Map<string, IssuedToken>()
  readonly refreshTokens = new Map<string, string>()

  issue(localId: string, now: number): string {
    const idToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ user_id: localId, iat: Math.floor(now / 1000) })).toString('base64url')}.${randomBytes(16).toString('base64url')}`
    this.idTokens.set(idToken, { localId, issuedAt: now })
    return idToken
  }
}

/** Google's API error envelope (Identity Toolkit and Secure Token). */
function googleError(status: number, message: string, googleStatus = 'INVALID_ARGUMENT', reason?: string) {
  const details = reason
    ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }]
    : undefined
  return HttpResponse.json(
    {
      error: {
        code: status,
        message,
        errors: [{ message, domain: 'global', reason: 'invalid' }],
        status: googleStatus,
        ...(details ? { details } : {}),
      },
    },
    { status },
  )
}

const detail = (status: number, value: unknown) => HttpResponse.json({ detail: value }, { status })

/** `?key=` must be the project's key: Google answers 403 without one and 400 for a wrong one. */
function checkKey(request: Request, context: EmulatorContext, endpoint: string): Response | undefined {
  const key = new URL(request.url).searchParams.get('key')
  if (!key)
    return googleError(
      403,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      'PERMISSION_DENIED',
    )
  if (!context.isValidKey(key) || context.take('unauthorized', endpoint))
    return googleError(400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT', 'API_KEY_INVALID')
  return undefined
}

async function signUp(request: Request, context: EmulatorContext, book: TokenBook): Promise<Response> {
  const denied = checkKey(request, context, 'signup')
  if (denied) return denied
  if (!(request.headers.get('content-type') ?? '').includes('application/json'))
    return googleError(400, 'Invalid JSON payload received. Unknown name "": Root element must be a message.')
  const body = (await request.json().catch(() => undefined)) as Record<string, unknown> | undefined
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return googleError(400, 'Invalid JSON payload received. Root element must be a message.')
  if (
    body.clientType !== undefined &&
    !['CLIENT_TYPE_ANDROID', 'CLIENT_TYPE_IOS', 'CLIENT_TYPE_WEB'].includes(String(body.clientType))
  ) {
    return googleError(
      400,
      `Invalid value at 'client_type' (type.googleapis.com/google.cloud.identitytoolkit.v1.ClientType), "${String(body.clientType)}"`,
    )
  }
  const localId = randomBytes(14).toString('base64url')
  const refreshToken = `AMf-vB${randomBytes(48).toString('base64url')}`
  book.refreshTokens.set(refreshToken, localId)
  const idToken = book.issue(localId, context.clock.now())
  return HttpResponse.json({
    kind: 'identitytoolkit#SignupNewUserResponse',
    idToken,
    refreshToken,
    expiresIn: String(ARTA_TOKEN_LIFETIME_SECONDS),
    localId,
  })
}

async function refresh(request: Request, context: EmulatorContext, book: TokenBook): Promise<Response> {
  const denied = checkKey(request, context, 'refresh')
  if (denied) return denied
  if (!(request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded'))
    return googleError(400, 'MISSING_GRANT_TYPE')
  const form = new URLSearchParams(await request.text())
  const grantType = form.get('grant_type')
  if (!grantType) return googleError(400, 'MISSING_GRANT_TYPE')
  if (grantType !== 'refresh_token') return googleError(400, 'INVALID_GRANT_TYPE')
  const refreshToken = form.get('refresh_token')
  if (!refreshToken) return googleError(400, 'MISSING_REFRESH_TOKEN')
  const localId = book.refreshTokens.get(refreshToken)
  if (context.take('token_expired', 'refresh')) return googleError(400, 'TOKEN_EXPIRED')
  if (!localId || context.take('token_invalid', 'refresh')) return googleError(400, 'INVALID_REFRESH_TOKEN')
  const idToken = book.issue(localId, context.clock.now())
  return HttpResponse.json({
    access_token: idToken,
    expires_in: String(ARTA_TOKEN_LIFETIME_SECONDS),
    token_type: 'Bearer',
    refresh_token: refreshToken,
    id_token: idToken,
    user_id: localId,
    project_id: '1043251998484',
  })
}

/** `Authorization: <raw ID token>`, no `Bearer ` prefix; expired, unknown or faulted tokens get 401. */
function authorize(
  request: Request,
  context: EmulatorContext,
  book: TokenBook,
  endpoint: string,
): Response | undefined {
  const header = request.headers.get('authorization')
  if (!header) return detail(401, 'Not authenticated')
  const token = book.idTokens.get(header)
  if (!token)
    return detail(
      401,
      header.startsWith('Bearer ') ? 'Invalid token: send the raw ID token, without "Bearer "' : 'Invalid token',
    )
  if (token.dead === undefined && context.take('token_expired', endpoint)) token.dead = 'expired'
  if (token.dead === undefined && (context.take('token_invalid', endpoint) || context.take('unauthorized', endpoint)))
    token.dead = 'invalid'
  const expired = context.clock.now() - token.issuedAt >= ARTA_TOKEN_LIFETIME_SECONDS * 1000
  if (token.dead === 'expired' || expired) return detail(401, 'Token has expired')
  if (token.dead === 'invalid') return detail(401, 'Invalid token')
  return undefined
}

async function readForm(request: Request): Promise<Map<string, string> | undefined> {
  const type = request.headers.get('content-type') ?? ''
  if (!type.includes('application/x-www-form-urlencoded') && !type.includes('multipart/form-data')) return undefined
  const data = await request.formData().catch(() => undefined)
  if (!data) return undefined
  return new Map(
    [...data.entries()].flatMap(([name, value]) =>
      typeof value === 'string' ? [[name, value] as [string, string]] : [],
    ),
  )
}

interface ArtaJobInput extends ArtaGeneration {
  readonly failure?: string
  readonly isEmpty: boolean
}

async function submit(request: Request, context: EmulatorContext, book: TokenBook): Promise<Response> {
  const denied = authorize(request, context, book, 'submit')
  if (denied) return denied
  const fields = await readForm(request)
  if (!fields)
    return detail(422, [
      { type: 'missing', loc: ['body', 'prompt'], msg: 'Field required', input: null },
      { type: 'missing', loc: ['body', 'style'], msg: 'Field required', input: null },
    ])
  const { value, issues } = validateArtaForm(fields, 9999 + Math.floor(Math.random() * 99_990_000))
  if (!value) return detail(422, issues)
  const failing = context.take('job_fails', 'submit')
  const endless = context.take('job_never_finishes', 'submit')
  const input: ArtaJobInput = {
    ...value,
    failure: failing ? (failing.message ?? 'Image generation failed') : undefined,
    isEmpty: Boolean(context.take('empty_result', 'submit')),
  }
  const job = context.jobs.create('arta', input, failing ? 'fail' : endless ? 'never' : 'succeed', {}, randomUUID())
  return HttpResponse.json({
    record_id: job.id,
    status: 'IN_QUEUE',
    response: null,
    error_code: null,
    error_details: null,
    seed: value.seed,
  })
}

interface ArtaImage {
  name: string
  url: string
  isBlur: boolean
  MIME: string
}

function images(job: EmulatedJob<ArtaJobInput>, context: EmulatorContext): Promise<ArtaImage[]> {
  if (job.input.isEmpty) return Promise.resolve([])
  const { width, height } = artaDimensions(job.input.aspectRatio)
  const draw = async (index: number): Promise<ArtaImage> => {
    const png = await context.render(
      `${job.input.prompt}, ${job.input.style} style`,
      width,
      height,
      job.input.seed + index,
    )
    return { name: `${job.id}_${index}.png`, url: context.files.put('arta', png), isBlur: false, MIME: 'image/png' }
  }
  return memoOnce(job.memo, 'images', () =>
    Promise.all(Array.from({ length: job.input.imagesNum }, (_, index) => draw(index))),
  )
}

async function status(request: Request, id: string, context: EmulatorContext, book: TokenBook): Promise<Response> {
  const denied = authorize(request, context, book, 'status')
  if (denied) return denied
  const job = context.jobs.get<ArtaJobInput>(id)
  if (!job || job.provider !== 'arta') return detail(404, 'Record not found')
  const view = context.jobs.view(job)
  const base = { record_id: job.id, response: null, error_code: null, error_details: null, seed: job.input.seed }
  if (view.phase === 'queued') return HttpResponse.json({ ...base, status: 'IN_QUEUE' })
  if (view.phase === 'running') return HttpResponse.json({ ...base, status: 'IN_PROGRESS' })
  if (view.phase === 'succeeded')
    return HttpResponse.json({ ...base, status: 'DONE', response: await images(job, context) })
  return HttpResponse.json({
    ...base,
    status: 'FAILED',
    error_code: 'GENERATION_FAILED',
    error_details: job.input.failure ?? 'Image generation failed',
  })
}

const ENDPOINTS: readonly [string, RegExp, string][] = [
  ['POST', /^\/identitytoolkit\/v3\/relyingparty\/signupNewUser$/, 'signup'],
  ['POST', /^\/v1\/token$/, 'refresh'],
  ['POST', /^\/api\/v1\/text2image$/, 'submit'],
  ['GET', /^\/api\/v1\/text2image\/[^/]+\/status$/, 'status'],
]

/**
 * ARTA's unofficial API, mounted at `/arta`: the two Google endpoints it signs
 * in with (anonymous sign-up, token refresh) and its text2image and status endpoints.
 */
export const artaEmulator = defineEmulatedProvider({
  id: 'arta',
  defaultKey: 'AIzaSyEmu-arta-signup-key-0123456789ab',
  environment: (context) => ({
    ARTA_API_KEY: context.apiKey,
    ARTA_BASE_URL: context.mountURL,
    ARTA_AUTH_BASE_URL: context.mountURL,
  }),
  handlers: (context) => {
    const book = new TokenBook()
    return [
      http.post(`${context.mountURL}/identitytoolkit/v3/relyingparty/signupNewUser`, ({ request }) =>
        signUp(request, context, book),
      ),
      http.post(`${context.mountURL}/v1/token`, ({ request }) => refresh(request, context, book)),
      http.post(`${context.mountURL}/api/v1/text2image`, ({ request }) => submit(request, context, book)),
      http.get(`${context.mountURL}/api/v1/text2image/:id/status`, ({ request, params }) =>
        status(request, String(params.id), context, book),
      ),
    ]
  },
  endpointOf: (method, path) => ENDPOINTS.find(([m, pattern]) => m === method && pattern.test(path))?.[2] ?? 'other',
  errorBody: (_status, message) => ({ detail: message }),
})
