import { randomUUID } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { defineEmulatedProvider, type EmulatorContext } from '../../server/emulated-provider'
import {
  RECRAFT_MODELS,
  resolveRecraftSize,
  validateRecraftRequest,
  VECTOR_STYLES,
  type RecraftImageRequest,
} from './recraft-rules'

/** Recraft's error body: `{ code, message }` (what clients read; the exact envelope is unconfirmed [?]). */
export function recraftError(status: number, code: string, message: string): Response {
  return HttpResponse.json({ code, message }, { status, headers: { 'x-request-id': randomUUID() } })
}

function authenticate(request: Request, context: EmulatorContext): Response | undefined {
  const match = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')
  if (!match) return recraftError(401, 'unauthorized', 'Authorization header with a Bearer token is required')
  if (!context.isValidKey(match[1]) || context.take('unauthorized', 'generate'))
    return recraftError(401, 'unauthorized', 'Invalid API token')
  return undefined
}

/** A small real SVG of the given size: the rendered picture (at a quarter of the edge) inside a framed vector drawing. */
export async function renderSvg(
  context: EmulatorContext,
  prompt: string,
  width: number,
  height: number,
  seed: number,
): Promise<Buffer> {
  const png = await context.render(
    prompt,
    Math.max(16, Math.round(width / 4)),
    Math.max(16, Math.round(height / 4)),
    seed,
  )
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<image href="data:image/png;base64,${png.toString('base64')}" width="${width}" height="${height}" preserveAspectRatio="none"/>`,
    `<rect x="8" y="8" width="${width - 16}" height="${height - 16}" fill="none" stroke="#222" stroke-width="6"/>`,
    '</svg>',
  ].join('')
  return Buffer.from(svg, 'utf8')
}

async function generate(request: Request, context: EmulatorContext): Promise<Response> {
  const denied = authenticate(request, context)
  if (denied) return denied
  if (!(request.headers.get('content-type') ?? '').includes('application/json'))
    return recraftError(400, 'invalid_request', 'Content-Type must be application/json')
  let body: RecraftImageRequest
  try {
    body = (await request.json()) as RecraftImageRequest
  } catch {
    return recraftError(400, 'invalid_request', 'Request body is not valid JSON')
  }
  const invalid = validateRecraftRequest(body)
  if (invalid) return recraftError(invalid.status, invalid.code, invalid.message)
  if (context.take('content_policy', 'generate'))
    return recraftError(400, 'inappropriate_content', 'The prompt was rejected by content moderation')
  if (context.take('quota_exceeded', 'generate'))
    return recraftError(402, 'not_enough_credits', 'Not enough credits to perform the operation')
  const created = Math.floor(context.clock.now() / 1000)
  const headers = { 'x-request-id': randomUUID() }
  if (context.take('empty_result', 'generate')) return HttpResponse.json({ created, credits: 0, data: [] }, { headers })
  const modelId = (body.model as string | undefined) ?? 'recraftv3'
  const rules = RECRAFT_MODELS[modelId]!
  const [width, height] = resolveRecraftSize(
    rules,
    (body.size as string | undefined) ?? (rules.family === 'v4' ? '1:1' : '1024x1024'),
  )!
  const isVector = rules.vector || (rules.family !== 'v4' && VECTOR_STYLES.has(body.style as string))
  const prompt = body.prompt as string
  const data = await Promise.all(
    Array.from({ length: (body.n as number | undefined) ?? 1 }, async (_, index) => {
      const seed = ((body.random_seed as number | undefined) ?? hash(prompt)) + index
      const bytes = await (isVector
        ? renderSvg(context, prompt, width, height, seed)
        : context.render(prompt, width, height, seed))
      const image_id = randomUUID()
      if (body.response_format === 'b64_json') return { image_id, b64_json: bytes.toString('base64') }
      return { image_id, url: context.files.put('recraft', bytes, isVector ? 'image/svg+xml' : 'image/png') }
    }),
  )
  return HttpResponse.json({ created, credits: data.length * (isVector ? 80 : 40), data }, { headers })
}

function hash(text: string): number {
  let value = 2166136261
  for (let i = 0; i < text.length; i++) value = Math.imul(value ^ text.charCodeAt(i), 16777619)
  return value >>> 0
}

const ERROR_CODE_BY_STATUS: Readonly<Record<number, string>> = {
  401: 'unauthorized',
  402: 'not_enough_credits',
  404: 'not_found',
  429: 'rate_limit_exceeded',
}

/** Recraft's image API (`POST /v1/images/generations`, OpenAI-style), mounted at `/recraft`. */
export const recraftEmulator = defineEmulatedProvider({
  id: 'recraft',
  defaultKey: 'emu-recraft-token-0123456789abcdef',
  environment: (context) => ({ RECRAFT_API_TOKEN: context.apiKey, RECRAFT_BASE_URL: `${context.mountURL}/v1` }),
  handlers: (context) => [
    http.post(`${context.mountURL}/v1/images/generations`, ({ request }) => generate(request, context)),
  ],
  endpointOf: (method, path) => (method === 'POST' && path === '/v1/images/generations' ? 'generate' : 'other'),
  errorBody: (status, message) => ({
    code: ERROR_CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_server_error' : 'invalid_request'),
    message,
  }),
})
