import {
  errorFromResponse,
  GeneratedImage,
  ImageFormat,
  ImageQuality,
  type GenerateResult,
  type HttpResponse,
  type ImageCall,
  type LLMKitError,
  type ProviderContext,
  parseResponse,
  definedFields,
} from '@llmkit/core'
import { checkImagesResponse, readOpenAIError } from './openai-api'
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
export function refusal(response: HttpResponse, call: ImageCall, config: OpenAIRequestConfig): LLMKitError {
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
    // Streaming is loaded when first asked for: most apps never need it.
    return (await import('./openai-image-stream')).streamOpenAIImages(call, context, config, headers)
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
  const mediaType = `image/${answer.output_format ?? 'png'}`
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
