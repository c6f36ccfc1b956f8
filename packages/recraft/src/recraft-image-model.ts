import {
  errorFromResponse,
  GeneratedImage,
  ImageFormat,
  type GenerateResult,
  type ImageCall,
  type ProviderContext,
  parseResponse,
  definedFields,
} from '@llmkit/core'
import { readRecraftError, recraftImagesResponseSchema } from './recraft-api'
import { RECRAFT_VECTOR_STYLES, type RecraftImageOptions } from './recraft-options'
import { SVG } from './recraft-models'

/** What the caller's settings resolve to for one request. */
export interface RecraftRequestConfig {
  baseURL: string
  headers: Record<string, string | undefined>
  secrets: readonly string[]
}

/** Maps one call to the JSON body of `POST /images/generations`. */
export function toRecraftBody(call: ImageCall): Record<string, unknown> {
  const { style, substyle, style_id, controls } = call.options as RecraftImageOptions
  const isV3 = call.model.sizes.sizes !== undefined
  const body: Record<string, unknown> = {
    prompt: call.prompt,
    model: call.model.aliases?.[0] ?? call.model.id,
    n: call.n,
    size: isV3 ? `${call.width}x${call.height}` : call.aspectRatio,
    response_format: call.format === ImageFormat.B64Json ? 'b64_json' : 'url',
    style,
    substyle,
    style_id,
    negative_prompt: call.negativePrompt,
    // Recraft's OpenAPI document: `random_seed`, a uint32 for reproducible results.
    random_seed: call.seed,
    controls,
  }
  return definedFields(body)
}

/** One call: map → send → map images (SVG for vector models and vector styles). */
export async function generateRecraftImages(
  call: ImageCall,
  context: ProviderContext,
  config: RecraftRequestConfig,
): Promise<GenerateResult> {
  const response = await context.http.send({
    method: 'POST',
    url: `${config.baseURL}/images/generations`,
    headers: config.headers,
    json: toRecraftBody(call),
    secrets: config.secrets,
  })
  if (!response.ok) {
    const { message, code } = readRecraftError(response.text())
    throw errorFromResponse({
      provider: 'recraft',
      model: call.model.id,
      response,
      message,
      code,
      secrets: config.secrets,
    })
  }
  const answer = parseResponse(recraftImagesResponseSchema, response, { provider: 'recraft', model: call.model.id })
  const style = (call.options as RecraftImageOptions).style
  const mediaType = call.model.mediaType ?? (style && RECRAFT_VECTOR_STYLES.has(style) ? SVG : undefined)
  const images = (answer.data ?? []).flatMap((item) => {
    const metadata = { revised_prompt: item.revised_prompt ?? undefined, width: call.width, height: call.height }
    // Without a known type, from_b64 sniffs the bytes (PNG, WebP or SVG); a URL's extension tells.
    if (item.b64_json)
      return [GeneratedImage.from_b64(item.b64_json, mediaType ? { ...metadata, media_type: mediaType } : metadata)]
    if (item.url)
      return [
        GeneratedImage.from_url(item.url, {
          ...metadata,
          media_type: mediaType ?? (/\.svg(\?|$)/.test(item.url) ? SVG : undefined),
        }),
      ]
    return []
  })
  return { images }
}
