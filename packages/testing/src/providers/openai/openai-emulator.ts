import { http, HttpResponse } from 'msw'
import { defineEmulatedProvider, type EmulatorContext } from '../../server/emulated-provider'
import { validateOpenAIImageRequest, type OpenAIImageRequest } from './openai-rules'

/** OpenAI's error envelope: all four keys, always. */
export function openaiError(
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
) {
  return HttpResponse.json(
    { error: { message, type, param, code } },
    { status, headers: { 'x-request-id': `req_${crypto.randomUUID().replaceAll('-', '')}` } },
  )
}

const mask = (key: string) => (key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : '*****')

function authenticate(request: Request, context: EmulatorContext): Response | undefined {
  const header = request.headers.get('authorization') ?? ''
  const match = /^Bearer (.+)$/.exec(header)
  if (!match) {
    return openaiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      'invalid_request_error',
      null,
    )
  }
  if (!context.isValidKey(match[1]) || context.take('unauthorized', 'generate')) {
    return openaiError(
      401,
      `Incorrect API key provided: ${mask(match[1]!)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_request_error',
      'invalid_api_key',
    )
  }
  return undefined
}

async function generate(request: Request, context: EmulatorContext, callNumber: number): Promise<Response> {
  const denied = authenticate(request, context)
  if (denied) return denied
  if (!(request.headers.get('content-type') ?? '').includes('application/json')) {
    return openaiError(400, 'Invalid Content-Type header (expected application/json).', 'invalid_request_error', null)
  }
  let body: OpenAIImageRequest
  try {
    body = (await request.json()) as OpenAIImageRequest
  } catch {
    return openaiError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null)
  }
  const invalid = validateOpenAIImageRequest(body)
  if (invalid) return openaiError(400, invalid.message, 'invalid_request_error', invalid.code, invalid.param)
  const model = body.model ?? 'dall-e-2'
  const isGptImage = model.startsWith('gpt-image') || model.startsWith('chatgpt-image')
  if (context.take('content_policy', 'generate')) {
    return isGptImage
      ? openaiError(
          400,
          'Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID. safety_violations=[sexual].',
          'image_generation_user_error',
          'moderation_blocked',
        )
      : openaiError(
          400,
          'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
          'invalid_request_error',
          'content_policy_violation',
        )
  }
  if (context.take('quota_exceeded', 'generate')) {
    return openaiError(
      429,
      'You exceeded your current quota, please check your plan and billing details.',
      'insufficient_quota',
      'insufficient_quota',
    )
  }
  const created = Math.floor(context.clock.now() / 1000)
  const headers = { 'x-request-id': `req_${crypto.randomUUID().replaceAll('-', '')}` }
  if (context.take('empty_result', 'generate')) return HttpResponse.json({ created, data: [] }, { headers })
  const [width, height] = (body.size && body.size !== 'auto' ? body.size : '1024x1024').split('x').map(Number) as [
    number,
    number,
  ]
  const n = body.n ?? 1
  const asUrl = !isGptImage && (body.response_format ?? 'url') === 'url'
  const data = await Promise.all(
    Array.from({ length: n }, async (_, index) => {
      // Like the real service, every call draws new pictures (dall-e-3's split calls must not repeat one).
      const png = await context.render(body.prompt, width, height, hash(body.prompt) + callNumber * 16 + index)
      const image: Record<string, string> = asUrl
        ? { url: context.files.put('openai', png) }
        : { b64_json: png.toString('base64') }
      if (model === 'dall-e-3')
        image.revised_prompt = `${body.prompt}, rendered in rich detail with balanced composition`
      return image
    }),
  )
  if (!isGptImage) return HttpResponse.json({ created, data }, { headers })
  const usage = usageOf(body.prompt, n)
  const settings = {
    background: body.background === 'transparent' ? 'transparent' : 'opaque',
    output_format: body.output_format ?? 'png',
    size: `${width}x${height}`,
    quality: body.quality && body.quality !== 'auto' ? body.quality : 'medium',
  }
  if (body.stream === true) {
    const partials = body.partial_images ?? 0
    const seed = hash(body.prompt) + callNumber * 16
    return streamImages(data, partials, settings, usageOf(body.prompt, 1), created, headers, (index, partial) =>
      // A partial is a smaller, earlier draft of the picture.
      context.render(
        body.prompt,
        Math.max(64, width >> (3 - partial)),
        Math.max(64, height >> (3 - partial)),
        seed + index,
      ),
    )
  }
  return HttpResponse.json({ created, data, ...settings, usage }, { headers })
}

function usageOf(prompt: string, images: number) {
  const promptTokens = Math.ceil(prompt.length / 4)
  const imageTokens = images * 272
  return {
    input_tokens: promptTokens,
    input_tokens_details: { text_tokens: promptTokens, image_tokens: 0 },
    output_tokens: imageTokens,
    total_tokens: promptTokens + imageTokens,
  }
}

/**
 * `stream: true` (GPT image models): server-sent events as the API sends them, `image_generation.partial_image`
 * (with `b64_json` and `partial_image_index`) for each of `partial_images` drafts, then
 * `image_generation.completed` with the final image and `usage`; one such run per image.
 */
function streamImages(
  data: readonly Record<string, string>[],
  partials: number,
  settings: Record<string, string>,
  usage: ReturnType<typeof usageOf>,
  created: number,
  headers: Record<string, string>,
  draft: (index: number, partial: number) => Promise<Buffer>,
): Response {
  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (type: string, fields: Record<string, unknown>) =>
        controller.enqueue(
          encoder.encode(
            `event: ${type}\ndata: ${JSON.stringify({ type, created_at: created, ...settings, ...fields })}\n\n`,
          ),
        )
      try {
        for (const [index, image] of data.entries()) {
          for (let partial = 0; partial < partials; partial++) {
            const b64 = (await draft(index, partial)).toString('base64')
            send('image_generation.partial_image', { b64_json: b64, partial_image_index: partial })
          }
          send('image_generation.completed', { b64_json: image.b64_json, usage })
        }
        controller.close()
      } catch (error) {
        controller.error(error)
      }
    },
  })
  return new HttpResponse(body, {
    headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
  })
}

function hash(text: string): number {
  let value = 2166136261
  for (let i = 0; i < text.length; i++) value = Math.imul(value ^ text.charCodeAt(i), 16777619)
  return value >>> 0
}

/** OpenAI Images API (`POST /v1/images/generations`), mounted at `/openai`. */
export const openaiEmulator = defineEmulatedProvider({
  id: 'openai',
  defaultKey: 'sk-emu-openai-0123456789abcdef',
  environment: (context) => ({ OPENAI_API_KEY: context.apiKey, OPENAI_BASE_URL: `${context.mountURL}/v1` }),
  handlers: (context) => {
    let calls = 0
    return [
      http.post(`${context.mountURL}/v1/images/generations`, ({ request }) => generate(request, context, calls++)),
    ]
  },
  endpointOf: (method, path) => (method === 'POST' && path === '/v1/images/generations' ? 'generate' : 'other'),
  errorBody: (status, message) => ({
    error: {
      message,
      type: status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error',
      param: null,
      code: status === 429 ? 'rate_limit_exceeded' : null,
    },
  }),
})
