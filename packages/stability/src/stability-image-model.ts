import {
  errorFromResponse,
  GeneratedImage,
  ImageFormat,
  LLMKitError,
  sniffBase64MediaType,
  type GenerateResult,
  type HttpResponse,
  type ImageCall,
  type ImageModelInfo,
  type ProviderContext,
  parseResponse,
  definedFields,
} from '@llmkit/core'
import type * as z from 'zod'
import { readStabilityError, stabilityV1ResponseSchema, stabilityV2ResponseSchema } from './stability-api'
import {
  STABILITY_SD3_ALIASES,
  stabilityCoreOptionsSchema,
  stabilitySd3OptionsSchema,
  stabilitySdxlOptionsSchema,
  stabilityUltraOptionsSchema,
  type StabilityImageOptions,
} from './stability-options'

/** Model ids with autocomplete; `stability:<id>` reaches any of them explicitly. */
export type StabilityImageModelId = StabilityKnownModelId | (string & {})

type StabilityKnownModelId =
  | 'stability-ai/stable-diffusion-xl'
  | 'stability-ai/stable-diffusion-3'
  | 'stability-ai/stable-image-core'
  | 'stability-ai/stable-image-ultra'

// Declared to core, so that a request's `model` autocompletes these ids wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<StabilityKnownModelId, true> {}
}

const SDXL_ENGINE = 'stable-diffusion-xl-1024-v1-0'
const size = (width: number, height: number) => ({ width, height })
const SDXL_SIZES = [
  size(1024, 1024),
  size(1152, 896),
  size(1216, 832),
  size(1344, 768),
  size(1536, 640),
  size(640, 1536),
  size(768, 1344),
  size(832, 1216),
  size(896, 1152),
]
const ASPECT_RATIOS = ['21:9', '16:9', '3:2', '5:4', '1:1', '4:5', '2:3', '9:16', '9:21']

/** Pixels the v2beta endpoints return per aspect ratio (Stability's ComfyUI node): ~1 MP, and ~1.5 MP for core. */
const MEGAPIXEL_SIZES: Readonly<Record<string, readonly [number, number]>> = {
  '1:1': [1024, 1024],
  '5:4': [1088, 896],
  '3:2': [1216, 832],
  '16:9': [1344, 768],
  '21:9': [1536, 640],
  '4:5': [896, 1088],
  '2:3': [832, 1216],
  '9:16': [768, 1344],
  '9:21': [640, 1536],
}
const CORE_SIZES: Readonly<Record<string, readonly [number, number]>> = Object.fromEntries(
  Object.entries(MEGAPIXEL_SIZES).map(([ratio, [w, h]]) => [ratio, [w * 1.5, h * 1.5]]),
)

/** Seeds as the specifications bound them; both APIs read 0 as "pick a random seed", so 0 is refused. */
const V1_SEEDS = { min: 1, max: 4_294_967_295 }
const V2_SEEDS = { min: 1, max: 4_294_967_294 }

const v2Model = (
  id: string,
  displayName: string,
  description: string,
  optionsSchema: z.ZodType<Record<string, unknown>>,
): ImageModelInfo => ({
  id,
  aliases: [id.slice('stability-ai/'.length)],
  displayName,
  description,
  maxImagesPerCall: 1,
  maxPromptLength: 10_000,
  sizes: { aspectRatios: ASPECT_RATIOS },
  supports: { negativePrompt: true, seed: true, formats: [ImageFormat.B64Json] },
  seedRange: V2_SEEDS,
  optionsSchema,
})

/** Stability's text-to-image models: SDXL on the v1 JSON API, the rest on v2beta multipart endpoints. */
export const STABILITY_IMAGE_MODELS: readonly ImageModelInfo[] = [
  {
    id: 'stability-ai/stable-diffusion-xl',
    aliases: [SDXL_ENGINE],
    displayName: 'Stable Diffusion XL 1.0',
    description: 'v1 API; up to 10 images per call; nine fixed sizes',
    maxImagesPerCall: 10,
    maxPromptLength: 2_000,
    sizes: { sizes: SDXL_SIZES },
    supports: { negativePrompt: true, seed: true, formats: [ImageFormat.B64Json] },
    seedRange: V1_SEEDS,
    optionsSchema: stabilitySdxlOptionsSchema,
  },
  v2Model(
    'stability-ai/stable-diffusion-3',
    'Stable Diffusion 3.5',
    'v2beta sd3 endpoint; variant via the `model` option',
    stabilitySd3OptionsSchema,
  ),
  {
    ...v2Model(
      'stability-ai/stable-image-core',
      'Stable Image Core',
      'v2beta core endpoint; fast, 1.5 MP, style presets',
      stabilityCoreOptionsSchema,
    ),
    defaultSize: size(1536, 1536),
  },
  v2Model(
    'stability-ai/stable-image-ultra',
    'Stable Image Ultra',
    'v2beta ultra endpoint; highest quality, 1 MP',
    stabilityUltraOptionsSchema,
  ),
]

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
