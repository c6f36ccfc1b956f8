import {
  errorFromResponse,
  GeneratedImage,
  ImageFormat,
  ImageQuality,
  LLMKitError,
  parseServerSentEvents,
  type GenerateResult,
  type HttpResponse,
  type HttpStreamResponse,
  type ImageCall,
  type ProviderContext,
  parseResponse,
  definedFields,
} from '@llmkit/core'
import { checkImagesResponse, openaiStreamEventSchema, readOpenAIError } from './openai-api'
import { type OpenAIImageOptions } from './openai-options'

const isGptImage = (modelId: string) => modelId.startsWith('gpt-image') || modelId.startsWith('chatgpt-image')

/** What the caller's settings resolve to for one request. */
export interface OpenAIRequestConfig {
  baseURL: string
  /** `${baseURL}/images/generations`, worked out once. */
  generationsURL: string
  headers: () => Record<string, string | undefined>
  secrets: () => readonly string[]
}

/** Maps one call to the JSON body of `POST /images/generations`. */
export function toOpenAIBody(call: ImageCall): Record<string, unknown> {
  const options = call.options as OpenAIImageOptions
  const size = `${call.width}x${call.height}`
  // One object literal per branch: spreading a shared part into a literal costs V8 ~6 µs here.
  if (!isGptImage(call.model.id)) {
    return definedFields({
      model: call.model.id,
      prompt: call.prompt,
      n: call.n,
      size,
      quality: call.quality,
      style: call.style,
      response_format: call.format === ImageFormat.B64Json ? 'b64_json' : 'url',
      user: options.user,
    })
  }
  const streamed = options.partial_images !== undefined
  return definedFields({
    model: call.model.id,
    prompt: call.prompt,
    n: call.n,
    size,
    quality:
      options.quality ??
      (call.quality === ImageQuality.Hd ? 'high' : call.quality === ImageQuality.Standard ? 'medium' : undefined),
    output_format: options.output_format,
    output_compression: options.output_compression,
    background: options.background,
    moderation: options.moderation,
    stream: streamed ? true : undefined,
    partial_images: options.partial_images,
    user: options.user,
  })
}

/** OpenAI's error answer as an LLMKitError (its message and code, no key). */
function refusal(response: HttpResponse, call: ImageCall, config: OpenAIRequestConfig): LLMKitError {
  const { message, code } = readOpenAIError(response.text())
  return errorFromResponse({
    provider: 'openai',
    model: call.model.id,
    response,
    message,
    code,
    secrets: config.secrets(),
  })
}

/** A 429 for an exhausted quota needs the user, not a wait. */
const retryUnlessQuota = (failed: HttpResponse) => readOpenAIError(failed.text()).code !== 'quota_exceeded'

/** One call: map → send → map images. */
export async function generateOpenAIImages(
  call: ImageCall,
  context: ProviderContext,
  config: OpenAIRequestConfig,
): Promise<GenerateResult> {
  const headers = config.headers()
  if ((call.options as OpenAIImageOptions).partial_images !== undefined)
    return streamOpenAIImages(call, context, config, headers)
  const response = await context.http.send({
    method: 'POST',
    url: config.generationsURL,
    headers,
    json: toOpenAIBody(call),
    stage: 'generate',
    secrets: config.secrets(),
    shouldRetry: retryUnlessQuota,
  })
  if (!response.ok) throw refusal(response, call, config)
  const answer = parseResponse(checkImagesResponse, response, { provider: 'openai', model: call.model.id })
  const mediaType = `image/${answer.output_format === 'jpeg' ? 'jpeg' : (answer.output_format ?? 'png')}`
  const images = (answer.data ?? []).flatMap((item) => {
    const metadata = {
      revised_prompt: item.revised_prompt,
      media_type: mediaType,
      width: call.width,
      height: call.height,
    }
    if (item.b64_json) return [GeneratedImage.from_b64(item.b64_json, metadata)]
    if (item.url) return [GeneratedImage.from_url(item.url, metadata)]
    return []
  })
  const usage = answer.usage
  return {
    images,
    usage: usage
      ? { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens, total_tokens: usage.total_tokens }
      : undefined,
  }
}

/** Reads an error body from a refused stream (small; the cap keeps a misbehaving server from holding us). */
async function bufferFailure(stream: HttpStreamResponse, url: string): Promise<HttpResponse> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of stream.body) {
    chunks.push(chunk)
    if ((size += chunk.length) > 65_536) break
  }
  stream.close()
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) body.set(chunk, (offset += chunk.length) - chunk.length)
  const text = new TextDecoder().decode(body)
  const requestId = stream.headers['x-request-id']
  return {
    status: stream.status,
    ok: false,
    url,
    headers: stream.headers,
    body,
    requestId,
    text: () => text,
    json: <T>() => JSON.parse(text) as T,
  }
}

function eventJson(call: ImageCall, data: string): unknown {
  try {
    return JSON.parse(data)
  } catch {
    throw streamError(call, 'the image stream sent an event that is not JSON')
  }
}

function streamError(call: ImageCall, message: string): LLMKitError {
  return new LLMKitError({
    code: 'provider_error',
    provider: 'openai',
    model: call.model.id,
    message: `openai: ${message}`,
  })
}

/**
 * `stream: true` with `partial_images`: server-sent events, `image_generation.partial_image` (a preview,
 * reported as a `partial_image` progress event) then `image_generation.completed` (the image and usage).
 */
async function streamOpenAIImages(
  call: ImageCall,
  context: ProviderContext,
  config: OpenAIRequestConfig,
  headers: Record<string, string | undefined>,
): Promise<GenerateResult> {
  const stream = await context.http.stream({
    method: 'POST',
    url: config.generationsURL,
    headers: { ...headers, accept: 'text/event-stream' },
    json: toOpenAIBody(call),
    stage: 'generate',
    secrets: config.secrets(),
  })
  if (!stream.ok) throw refusal(await bufferFailure(stream, config.generationsURL), call, config)
  const images: GeneratedImage[] = []
  let usage: GenerateResult['usage']
  const source = { provider: 'openai', model: call.model.id, what: 'stream event' }
  try {
    for await (const event of parseServerSentEvents(stream.body)) {
      const item = parseResponse(openaiStreamEventSchema, { json: () => eventJson(call, event.data) }, source)
      if (item.type === 'error' || event.event === 'error')
        throw streamError(call, `the image stream failed: ${item.error?.message ?? 'no reason given'}`)
      if (!item.b64_json) continue
      const metadata = {
        media_type: `image/${item.output_format === 'jpeg' ? 'jpeg' : (item.output_format ?? 'png')}`,
        width: call.width,
        height: call.height,
      }
      if (item.type === 'image_generation.partial_image') {
        const image = GeneratedImage.from_b64(item.b64_json, { media_type: metadata.media_type })
        context.progress({ phase: 'partial_image', index: item.partial_image_index ?? 0, image })
      } else if (item.type === 'image_generation.completed') {
        images.push(GeneratedImage.from_b64(item.b64_json, metadata))
        const tokens = item.usage
        if (tokens)
          usage = {
            input_tokens: (usage?.input_tokens ?? 0) + tokens.input_tokens,
            output_tokens: (usage?.output_tokens ?? 0) + tokens.output_tokens,
            total_tokens: (usage?.total_tokens ?? 0) + tokens.total_tokens,
          }
      }
    }
  } finally {
    stream.close()
  }
  return { images, usage }
}
