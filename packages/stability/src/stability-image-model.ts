import {
  errorFromResponse,
  GeneratedImage,
  LLMKitError,
  sniffBase64MediaType,
  type GenerateResult,
  type HttpResponse,
  type ImageCall,
  type ProviderContext,
  parseResponse,
  definedFields,
} from '@llmkit/core'
import { readStabilityError, stabilityV1ResponseSchema, stabilityV2ResponseSchema } from './stability-api'
import { STABILITY_SD3_ALIASES, type StabilityImageOptions } from './stability-options'
import { CORE_SIZES, MEGAPIXEL_SIZES, SDXL_ENGINE } from './stability-models'

const V2_ENDPOINT: Readonly<Record<string, string>> = {
  'stability-ai/stable-diffusion-3': 'sd3',
  'stability-ai/stable-image-core': 'core',
  'stability-ai/stable-image-ultra': 'ultra',
}

/** What the caller's settings resolve to for one request. */
export interface StabilityRequestConfig {
  baseURL: string
  headers: Record<string, string | undefined>
  secrets: readonly string[]
}

/** v1 body: the negative prompt becomes a prompt of weight -1. */
export function toStabilityV1Body(call: ImageCall): Record<string, unknown> {
  const { cfg_scale, steps, sampler, clip_guidance_preset, style_preset } = call.options as StabilityImageOptions
  const text_prompts = [
    { text: call.prompt, weight: 1 },
    ...(call.negativePrompt ? [{ text: call.negativePrompt, weight: -1 }] : []),
  ]
  const body = {
    text_prompts,
    width: call.width,
    height: call.height,
    samples: call.n,
    seed: call.seed,
    cfg_scale,
    steps,
    sampler,
    clip_guidance_preset,
    style_preset,
  }
  return definedFields(body)
}

/** v2beta multipart fields; `*-turbo` SD3 variants do not take a negative prompt, so it is left out. */
export function toStabilityV2Fields(call: ImageCall): Record<string, string | number | undefined> {
  const { cfg_scale, output_format, style_preset } = call.options as StabilityImageOptions
  const asked = (call.options as StabilityImageOptions).model
  const model = asked === undefined ? undefined : (STABILITY_SD3_ALIASES[asked] ?? asked)
  const dropsNegative = model?.endsWith('-turbo') ?? false
  return {
    prompt: call.prompt,
    negative_prompt: dropsNegative ? undefined : call.negativePrompt,
    aspect_ratio: call.aspectRatio,
    seed: call.seed,
    output_format,
    model,
    cfg_scale,
    style_preset,
  }
}

/** One call: map → send → map images (flagged ones kept with a warning; all flagged is a content-policy error). */
export async function generateStabilityImages(
  call: ImageCall,
  context: ProviderContext,
  config: StabilityRequestConfig,
): Promise<GenerateResult> {
  const endpoint = V2_ENDPOINT[call.model.id]
  const asked = (call.options as StabilityImageOptions).model
  if (asked && STABILITY_SD3_ALIASES[asked])
    context.warn(`stability: ${asked} is an older name that the API re-routes; sent as ${STABILITY_SD3_ALIASES[asked]}`)
  const headers = { ...config.headers, accept: 'application/json' }
  const response = endpoint
    ? await context.http.send({
        method: 'POST',
        url: `${config.baseURL}/v2beta/stable-image/generate/${endpoint}`,
        headers,
        multipart: toStabilityV2Fields(call),
        secrets: config.secrets,
      })
    : await context.http.send({
        method: 'POST',
        url: `${config.baseURL}/v1/generation/${SDXL_ENGINE}/text-to-image`,
        headers,
        json: toStabilityV1Body(call),
        secrets: config.secrets,
      })
  if (!response.ok) {
    const { message, code } = readStabilityError(response.text())
    throw errorFromResponse({
      provider: 'stability',
      model: call.model.id,
      response,
      message,
      code,
      secrets: config.secrets,
    })
  }
  const artifacts = endpoint ? readV2(call, response) : readV1(call, response)
  const variant = (call.options as StabilityImageOptions).model
  const warnings =
    call.negativePrompt && variant?.endsWith('-turbo')
      ? [`${variant} does not take a negative prompt; ignoring it`]
      : []
  return { images: mapArtifacts(call, response, artifacts, warnings), warnings }
}

interface Artifact {
  base64?: string | null
  seed?: number | null
  finishReason?: string | null
  width?: number
  height?: number
  mediaType?: string
}

function readV1(call: ImageCall, response: HttpResponse): Artifact[] {
  const { artifacts } = parseResponse(stabilityV1ResponseSchema, response, {
    provider: 'stability',
    model: call.model.id,
  })
  return artifacts.map((artifact) => ({ ...artifact, mediaType: 'image/png' }))
}

function readV2(call: ImageCall, response: HttpResponse): Artifact[] {
  const answer = parseResponse(stabilityV2ResponseSchema, response, { provider: 'stability', model: call.model.id })
  const [width, height] = (call.model.id.endsWith('core') ? CORE_SIZES : MEGAPIXEL_SIZES)[call.aspectRatio] ?? [
    call.width,
    call.height,
  ]
  const declared = /type=(image\/[\w+.-]+)/.exec(response.headers['content-type'] ?? '')?.[1]
  const { image, finish_reason, seed } = answer
  return [{ base64: image, seed, finishReason: finish_reason, width, height, mediaType: declared }]
}

function mapArtifacts(
  call: ImageCall,
  response: HttpResponse,
  artifacts: readonly Artifact[],
  warnings: string[],
): GeneratedImage[] {
  const usable = artifacts.filter((artifact) => artifact.base64 && artifact.finishReason !== 'ERROR')
  const filtered = usable.filter((artifact) => artifact.finishReason === 'CONTENT_FILTERED').length
  if (usable.length < artifacts.length)
    warnings.push(
      `stability: ${artifacts.length - usable.length} of ${artifacts.length} images failed to generate (finish reason ERROR) and were left out`,
    )
  if (filtered > 0 && filtered === usable.length) {
    throw new LLMKitError({
      code: 'content_policy',
      provider: 'stability',
      model: call.model.id,
      status: response.status,
      requestId: response.requestId,
      message: `stability: Stability's content filter blurred ${filtered === 1 ? 'the image' : `all ${filtered} images`} (finish reason CONTENT_FILTERED) — rephrase the prompt`,
    })
  }
  if (filtered > 0)
    warnings.push(
      `stability: ${filtered} of ${usable.length} images were blurred by Stability's content filter; they are marked content_filtered`,
    )
  return usable.map((artifact) =>
    GeneratedImage.from_b64(artifact.base64!, {
      media_type: sniffBase64MediaType(artifact.base64!) ?? artifact.mediaType,
      seed: artifact.seed ?? undefined,
      width: artifact.width,
      height: artifact.height,
      content_filtered: artifact.finishReason === 'CONTENT_FILTERED' ? true : undefined,
    }),
  )
}
