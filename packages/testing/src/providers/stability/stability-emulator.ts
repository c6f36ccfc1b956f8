import { randomBytes } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { defineEmulatedProvider, type EmulatorContext } from '../../server/emulated-provider'
import {
  defaultEdge,
  V1_ENGINES,
  V2_OUTPUT_SIZES,
  validateV1Request,
  validateV2Request,
  type StabilityV1Request,
  type V2Endpoint,
  type V2Fields,
} from './stability-rules'

const newId = () => randomBytes(16).toString('hex')
const MAX_V2_BODY_BYTES = 10 * 1024 * 1024

/** Names Stability gives each status (v1 `components.responses`, v2beta schema, Stability's ComfyUI client). */
const NAME_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  402: 'payment_required',
  403: 'permission_denied',
  404: 'not_found',
  413: 'payload_too_large',
  422: 'invalid_request',
  429: 'rate_limit_exceeded',
  500: 'server_error',
}

/** v1 error envelope `{ id, name, message }`. */
export function stabilityV1Error(status: number, name: string, message: string): Response {
  const id = newId()
  return HttpResponse.json({ id, name, message }, { status, headers: { 'x-request-id': id } })
}

/** v2beta error envelope `{ id, name, errors[] }`. */
export function stabilityV2Error(status: number, name: string, errors: readonly string[]): Response {
  const id = newId()
  return HttpResponse.json({ id, name, errors }, { status, headers: { 'x-request-id': id } })
}

const NO_CREDITS =
  'You lack sufficient credits to make this request. Please purchase more credits at https://platform.stability.ai/account/credits and try again.'
const MODERATED =
  'Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.'

type ErrorWriter = (status: number, name: string, message: string) => Response
const v1Writer: ErrorWriter = stabilityV1Error
const v2Writer: ErrorWriter = (status, name, message) => stabilityV2Error(status, name, [message])

/** Stability reads the key from `Authorization`, with or without `Bearer ` (its own ComfyUI client sends it raw). */
function authenticate(request: Request, context: EmulatorContext, error: ErrorWriter): Response | undefined {
  const header = request.headers.get('authorization')
  if (!header) return error(401, 'unauthorized', 'missing authorization header')
  const key = header.replace(/^Bearer\s+/i, '').trim()
  if (!context.isValidKey(key) || context.take('unauthorized', 'generate'))
    return error(401, 'unauthorized', 'authorization: the API key you provided is invalid')
  return undefined
}

function seedFor(requested: number | undefined, prompt: string, index: number): number {
  const base = requested && requested > 0 ? requested : hash(`${prompt}:${Date.now()}`) || 1
  return (base + index) % 4294967296
}

async function textToImage(engine: string, request: Request, context: EmulatorContext): Promise<Response> {
  const denied = authenticate(request, context, v1Writer)
  if (denied) return denied
  if (!V1_ENGINES[engine])
    return stabilityV1Error(404, 'not_found', `The specified engine (ID ${engine}) was not found.`)
  if (!(request.headers.get('content-type') ?? '').includes('application/json'))
    return stabilityV1Error(400, 'bad_request', 'content-type: must be application/json')
  const accept = request.headers.get('accept') ?? 'application/json'
  const acceptsPng = accept.includes('image/png')
  if (!acceptsPng && !accept.includes('application/json') && !accept.includes('*/*'))
    return stabilityV1Error(400, 'bad_request', 'accept: must be application/json or image/png')
  let body: StabilityV1Request
  try {
    body = (await request.json()) as StabilityV1Request
  } catch {
    return stabilityV1Error(400, 'bad_request', 'body: could not parse JSON')
  }
  const invalid = validateV1Request(engine, body, acceptsPng)
  if (invalid) return stabilityV1Error(invalid.status, invalid.name, invalid.message)
  if (context.take('quota_exceeded', 'generate')) return stabilityV1Error(402, 'payment_required', NO_CREDITS)
  const filtered = Boolean(context.take('content_policy', 'generate'))
  if (context.take('empty_result', 'generate'))
    return HttpResponse.json({ artifacts: [] }, { headers: { 'x-request-id': newId() } })
  const prompt = body
    .text_prompts!.filter((p) => typeof p.weight !== 'number' || p.weight > 0)
    .map((p) => p.text as string)
    .join(', ')
  const [width, height] = [Number(body.width ?? defaultEdge(engine)), Number(body.height ?? defaultEdge(engine))]
  const finishReason = filtered ? 'CONTENT_FILTERED' : 'SUCCESS'
  const artifacts = await Promise.all(
    Array.from({ length: Number(body.samples ?? 1) }, async (_, index) => {
      const seed = seedFor(body.seed as number | undefined, prompt, index)
      return { base64: (await context.render(prompt, width, height, seed)).toString('base64'), seed, finishReason }
    }),
  )
  if (!acceptsPng) return HttpResponse.json({ artifacts }, { headers: { 'x-request-id': newId() } })
  const [artifact] = artifacts
  return new HttpResponse(Buffer.from(artifact!.base64, 'base64'), {
    headers: {
      'content-type': 'image/png',
      'finish-reason': finishReason,
      seed: String(artifact!.seed),
      'x-request-id': newId(),
    },
  })
}

async function readForm(request: Request): Promise<V2Fields | Response> {
  if (!(request.headers.get('content-type') ?? '').includes('multipart/form-data')) {
    return stabilityV2Error(400, 'bad_request', ['content-type: must be multipart/form-data'])
  }
  const bytes = await request.clone().arrayBuffer()
  if (bytes.byteLength > MAX_V2_BODY_BYTES)
    return stabilityV2Error(413, 'payload_too_large', ['body: payloads cannot be larger than 10MiB in size'])
  try {
    const fields: Record<string, string | File> = {}
    for (const [name, value] of (await request.formData()).entries()) fields[name] = value
    return fields
  } catch {
    return stabilityV2Error(400, 'bad_request', ['body: could not parse multipart/form-data'])
  }
}

async function stableImage(endpoint: V2Endpoint, request: Request, context: EmulatorContext): Promise<Response> {
  const denied = authenticate(request, context, v2Writer)
  if (denied) return denied
  const accept = request.headers.get('accept') ?? 'image/*'
  const asJson = accept.includes('application/json')
  if (!asJson && !accept.includes('image/') && !accept.includes('*/*'))
    return stabilityV2Error(400, 'bad_request', ['accept: must be image/* or application/json'])
  const fields = await readForm(request)
  if (fields instanceof Response) return fields
  const invalid = validateV2Request(endpoint, fields)
  if (invalid) return stabilityV2Error(invalid.status, invalid.name, [invalid.message])
  if (context.take('quota_exceeded', 'generate')) return stabilityV2Error(402, 'payment_required', [NO_CREDITS])
  const policy = context.take('content_policy', 'generate')
  // The 403 rejects the prompt before generating; the default is a 200 whose image was blurred.
  if (policy?.status === 403) return stabilityV2Error(403, 'content_moderation', [MODERATED])
  const finishReason = policy ? 'CONTENT_FILTERED' : 'SUCCESS'
  const format = (fields.output_format as string | undefined) ?? 'png'
  const prompt = fields.prompt as string
  const seed = seedFor(Number(fields.seed ?? 0), prompt, 0)
  const [width, height] =
    V2_OUTPUT_SIZES[endpoint === 'core' ? 'core' : 'megapixel'][(fields.aspect_ratio as string | undefined) ?? '1:1']!
  const empty = Boolean(context.take('empty_result', 'generate'))
  // The local renderer draws PNG only; jpeg/webp requests get PNG bytes under the declared type.
  const image = empty ? Buffer.alloc(0) : await context.render(prompt, width, height, seed)
  const headers = { 'x-request-id': newId() }
  if (asJson) {
    const body = JSON.stringify({ image: image.toString('base64'), finish_reason: finishReason, seed })
    return new HttpResponse(body, { headers: { ...headers, 'content-type': `application/json; type=image/${format}` } })
  }
  return new HttpResponse(image, {
    headers: { ...headers, 'content-type': `image/${format}`, 'finish-reason': finishReason, seed: String(seed) },
  })
}

function hash(text: string): number {
  let value = 2166136261
  for (let i = 0; i < text.length; i++) value = Math.imul(value ^ text.charCodeAt(i), 16777619)
  return value >>> 0
}

const GENERATE_PATH = /^\/(v1\/generation\/[^/]+\/text-to-image|v2beta\/stable-image\/generate\/(ultra|core|sd3))$/

/**
 * Stability AI's REST API, mounted at `/stability` (base URL without a path, like `https://api.stability.ai`):
 * v1 `POST /v1/generation/{engine}/text-to-image` (JSON) and v2beta
 * `POST /v2beta/stable-image/generate/{ultra,core,sd3}` (multipart/form-data).
 */
export const stabilityEmulator = defineEmulatedProvider({
  id: 'stability',
  defaultKey: 'sk-emu-stability-0123456789abcdef',
  environment: (context) => ({ STABILITY_API_KEY: context.apiKey, STABILITY_BASE_URL: context.mountURL }),
  handlers: (context) => [
    http.post(`${context.mountURL}/v1/generation/:engine/text-to-image`, ({ request, params }) =>
      textToImage(String(params.engine), request, context),
    ),
    ...(['ultra', 'core', 'sd3'] as const).map((endpoint) =>
      http.post(`${context.mountURL}/v2beta/stable-image/generate/${endpoint}`, ({ request }) =>
        stableImage(endpoint, request, context),
      ),
    ),
  ],
  endpointOf: (method, path) => (method === 'POST' && GENERATE_PATH.test(path) ? 'generate' : 'other'),
  // Transport faults do not know which API version was called: the body carries both versions' fields.
  errorBody: (status, message) => ({
    id: newId(),
    name: NAME_BY_STATUS[status] ?? 'server_error',
    message,
    errors: [message],
  }),
})
