import {
  errorFromResponse,
  GeneratedImage,
  ImageFormat,
  LLMKitError,
  type HttpResponse,
  type ImageCall,
  type ImageJob,
  type ImageModelInfo,
  type JobStatus,
  type ProviderContext,
  type StartResult,
  type SubmittedJob,
  joinUrlPath,
  parseResponse,
  definedFields,
} from '@llmkit/core'
import * as z from 'zod'
import {
  codeForFailure,
  describeOutput,
  findImageOutputs,
  progressFromLogs,
  readReplicateError,
  replicatePredictionSchema,
  type ReplicatePrediction,
} from './replicate-api'
import { replicateImageOptionsSchema, type ReplicateImageOptions } from './replicate-options'

/** Model ids with autocomplete; any `owner/name` or `owner/name:version` works with the `replicate:` prefix. */
export type ReplicateImageModelId = ReplicateKnownModelId | (string & {})

type ReplicateKnownModelId =
  | 'black-forest-labs/flux-schnell'
  | 'black-forest-labs/flux-dev'
  | 'black-forest-labs/flux-1.1-pro'
  | 'stability-ai/sdxl'

// Declared to core, so that a request's `model` autocompletes these ids wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<ReplicateKnownModelId, true> {}
}

/** How a model takes its inputs. */
interface ReplicateModelSpec {
  readonly sizing: 'aspect_ratio' | 'width_height'
  /** Pinned version, for models that have no official-model endpoint. */
  readonly version?: string
  readonly guidanceField?: 'guidance' | 'guidance_scale'
}

const FLUX_RATIOS = ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16', '9:21']
const URL_ONLY = [ImageFormat.Url] as const

/** `stability-ai/sdxl` is a community model: reachable by version only. */
export const SDXL_VERSION = '7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc'

const SPECS: Readonly<Record<string, ReplicateModelSpec>> = {
  'black-forest-labs/flux-schnell': { sizing: 'aspect_ratio' },
  'black-forest-labs/flux-dev': { sizing: 'aspect_ratio', guidanceField: 'guidance' },
  'black-forest-labs/flux-1.1-pro': { sizing: 'aspect_ratio' },
  'stability-ai/sdxl': { sizing: 'width_height', version: SDXL_VERSION, guidanceField: 'guidance_scale' },
}
const GENERIC_SPEC: ReplicateModelSpec = { sizing: 'width_height' }

const flux = (
  id: string,
  displayName: string,
  maxImagesPerCall: number,
  typicalDurationMs: number,
): ImageModelInfo => ({
  id,
  displayName,
  maxImagesPerCall,
  sizes: { aspectRatios: FLUX_RATIOS },
  supports: { seed: true, formats: URL_ONLY },
  routesWithoutPrefix: false,
  optionsSchema: replicateImageOptionsSchema,
  typicalDurationMs,
})

/**
 * Well-known image models on Replicate (inputs as their model pages give them).
 * `typicalDurationMs` errs low: polling early costs a request, polling late costs the user time.
 */
export const REPLICATE_IMAGE_MODELS: readonly ImageModelInfo[] = [
  {
    ...flux('black-forest-labs/flux-schnell', 'FLUX.1 [schnell]', 4, 1_000),
    description: 'Fastest FLUX; 1-4 steps, up to 4 images per call',
  },
  {
    ...flux('black-forest-labs/flux-dev', 'FLUX.1 [dev]', 4, 3_000),
    description: 'FLUX for quality; up to 4 images per call',
  },
  { ...flux('black-forest-labs/flux-1.1-pro', 'FLUX1.1 [pro]', 1, 3_000), description: 'FLUX pro; one image per call' },
  {
    id: 'stability-ai/sdxl',
    displayName: 'Stable Diffusion XL',
    description: 'SDXL 1.0 by version; negative prompt, up to 4 images per call',
    maxImagesPerCall: 4,
    sizes: { range: { min: 256, max: 2048, multipleOf: 8 } },
    supports: { seed: true, negativePrompt: true, formats: URL_ONLY },
    routesWithoutPrefix: false,
    optionsSchema: replicateImageOptionsSchema,
    typicalDurationMs: 4_000,
  },
]

const MODEL_REF = /^([\w.-]+\/[\w.-]+)(?::([0-9a-f]{64}))?$/

/** `owner/name` or `owner/name:version`: a catalog entry (pinned to the version when given) or a generic model. */
export function resolveReplicateModel(id: string): ImageModelInfo | undefined {
  const match = MODEL_REF.exec(id)
  if (!match) return undefined
  const known = REPLICATE_IMAGE_MODELS.find((model) => model.id === match[1])
  if (known) return { ...known, id }
  return {
    id,
    displayName: id,
    description: 'Any Replicate model: prompt, width and height are sent; set other inputs with the `input` option',
    maxImagesPerCall: 1,
    sizes: { range: { min: 64, max: 2048, multipleOf: 8 } },
    supports: { seed: true, negativePrompt: true, formats: URL_ONLY },
    routesWithoutPrefix: false,
    optionsSchema: replicateImageOptionsSchema,
  }
}

/** What the provider's settings resolve to for one request. */
export interface ReplicateRequestConfig {
  /** Base URL including `/v1`. */
  readonly baseURL: string
  readonly headers: Record<string, string | undefined>
  readonly secrets: readonly string[]
  /** Longest `Prefer: wait` hold in seconds; 0 turns it off. */
  readonly waitSeconds: number
  /** Send `Cancel-After` with what is left of the call's deadline. */
  readonly cancelAfterDeadline: boolean
}

function splitModelId(modelId: string): { name: string; version?: string; spec: ReplicateModelSpec } {
  const [name, pinned] = modelId.split(':') as [string, string | undefined]
  const spec = SPECS[name] ?? GENERIC_SPEC
  return { name, version: pinned ?? spec.version, spec }
}

/** Maps one call to the prediction's `input`. */
export function toReplicateInput(call: ImageCall): Record<string, unknown> {
  const { spec } = splitModelId(call.model.id)
  const options = call.options as ReplicateImageOptions
  const input: Record<string, unknown> = { prompt: call.prompt }
  if (spec.sizing === 'aspect_ratio') input.aspect_ratio = call.aspectRatio
  else Object.assign(input, { width: call.width, height: call.height })
  if (call.model.maxImagesPerCall > 1) input.num_outputs = call.n
  Object.assign(input, { seed: call.seed, negative_prompt: call.negativePrompt })
  const { input: extra, guidance, ...rest } = options
  if (guidance !== undefined) input[spec.guidanceField ?? 'guidance'] = guidance
  Object.assign(input, rest, extra)
  return definedFields(input)
}

/** The create request: the official-model endpoint, or `/predictions` with a version. */
export function toReplicateCreate(call: ImageCall, baseURL: string): { url: string; body: Record<string, unknown> } {
  const { name, version } = splitModelId(call.model.id)
  const input = toReplicateInput(call)
  return version
    ? { url: `${baseURL}/predictions`, body: { version, input } }
    : { url: joinUrlPath(baseURL, 'models', ...name.split('/'), 'predictions'), body: { input } }
}

/** `Prefer: wait=N` within the setting and what is left of the deadline (1 s kept for the answer). */
function preferWait(config: ReplicateRequestConfig, context: ProviderContext): number {
  const left = Math.floor((context.deadline - context.clock.now() - 1_000) / 1_000)
  return Math.max(0, Math.min(config.waitSeconds, 60, left))
}

function fail(response: HttpResponse, modelId: string, config: ReplicateRequestConfig): LLMKitError {
  const { message } = readReplicateError(response.text())
  return errorFromResponse({ provider: 'replicate', model: modelId, response, message, secrets: config.secrets })
}

function parsePrediction(response: HttpResponse, modelId: string): ReplicatePrediction {
  return parseResponse(replicatePredictionSchema, response, {
    provider: 'replicate',
    model: modelId,
    what: 'prediction',
  })
}

/** Submits the prediction, holding for the result with `Prefer: wait` so short ones need no poll. */
export async function startReplicatePrediction(
  call: ImageCall,
  context: ProviderContext,
  config: ReplicateRequestConfig,
): Promise<StartResult> {
  const { url, body } = toReplicateCreate(call, config.baseURL)
  const wait = preferWait(config, context)
  const createdAt = context.clock.now()
  // Replicate cancels the prediction itself once the deadline passes, even if nobody is left to ask it to.
  const left = Math.ceil((context.deadline - createdAt) / 1_000)
  const cancelAfter = config.cancelAfterDeadline && Number.isFinite(left) ? `${Math.max(1, left)}s` : undefined
  const response = await context.http.send({
    method: 'POST',
    url,
    headers: { ...config.headers, prefer: wait > 0 ? `wait=${wait}` : undefined, 'cancel-after': cancelAfter },
    json: body,
    stage: 'submit',
    timeoutMs: wait > 0 ? wait * 1_000 + 30_000 : undefined,
    secrets: config.secrets,
  })
  if (!response.ok) throw fail(response, call.model.id, config)
  const prediction = parsePrediction(response, call.model.id)
  return { id: prediction.id, status: toJobStatus(prediction, { model: call.model.id, call }) }
}

const predictionListSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      id: z.string(),
      status: z.string().optional(),
      model: z.string().optional(),
      version: z.string().optional(),
      input: z.unknown().optional(),
      created_at: z.string().optional(),
    }),
  ),
})

/** Prediction ids this process has already claimed from the list, so two cut-off calls never pick the same one. */
const claimed = new Set<string>()

/**
 * After an abort or the deadline cut a held create off: the prediction it
 * made, found in `GET /predictions?created_after=…` (newest first) by model
 * and exact input, not finished yet and not claimed by another call. Two
 * identical calls cut off at once are told apart by claiming; a prediction
 * another client made with the very same input in the same seconds could be
 * taken for ours (it is then cancelled, or handed back).
 */
export async function findCutOffPrediction(
  call: ImageCall,
  since: number,
  context: ProviderContext,
  config: ReplicateRequestConfig,
): Promise<SubmittedJob | undefined> {
  const { name, version } = splitModelId(call.model.id)
  const input = toReplicateInput(call)
  // A few seconds of slack for the difference between our clock and Replicate's.
  const after = new Date(since - 10_000).toISOString()
  const response = await context.http.send({
    url: `${config.baseURL}/predictions?created_after=${encodeURIComponent(after)}`,
    headers: config.headers,
    stage: 'status',
    secrets: config.secrets,
  })
  if (!response.ok) return undefined
  const parsed = predictionListSchema.safeParse(response.json())
  if (!parsed.success) return undefined
  const wanted = canonical(input)
  const match = parsed.data.results.find(
    (prediction) =>
      !claimed.has(prediction.id) &&
      !['succeeded', 'failed', 'canceled', 'aborted'].includes(prediction.status ?? '') &&
      (version ? prediction.version === version : prediction.model === name) &&
      canonical(prediction.input) === wanted,
  )
  if (!match) return undefined
  claimed.add(match.id)
  return { id: match.id }
}

/** JSON with sorted keys, to compare inputs whatever order the API echoes them in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  )
}

/** Asks once where the prediction stands. */
export async function replicatePredictionStatus(
  job: ImageJob,
  context: ProviderContext,
  config: ReplicateRequestConfig,
): Promise<JobStatus> {
  const response = await context.http.send({
    url: joinUrlPath(config.baseURL, 'predictions', job.id),
    headers: config.headers,
    stage: 'status',
    secrets: config.secrets,
  })
  if (!response.ok) throw fail(response, job.model, config)
  return toJobStatus(parsePrediction(response, job.model), job)
}

/** Cancels the prediction upstream. */
export async function cancelReplicatePrediction(
  job: ImageJob,
  context: ProviderContext,
  config: ReplicateRequestConfig,
): Promise<void> {
  const response = await context.http.send({
    method: 'POST',
    url: joinUrlPath(config.baseURL, 'predictions', job.id, 'cancel'),
    headers: config.headers,
    stage: 'cancel',
    secrets: config.secrets,
  })
  if (!response.ok) throw fail(response, job.model, config)
}

const MEDIA_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
}

/** A prediction as core's job status. */
export function toJobStatus(prediction: ReplicatePrediction, job: Pick<ImageJob, 'model' | 'call'>): JobStatus {
  switch (prediction.status) {
    case 'starting':
      return { state: 'pending', phase: 'queued', message: 'starting' }
    case 'processing':
      return { state: 'pending', phase: 'running', progress: progressFromLogs(prediction.logs) }
    case 'succeeded': {
      const found = findImageOutputs(prediction.output)
      if (found.length === 0) {
        return {
          state: 'failed',
          error: new LLMKitError({
            code: 'no_image',
            provider: 'replicate',
            model: job.model,
            isRetryable: false,
            message: `replicate: prediction ${prediction.id} succeeded but its output holds no image URL or data URI: ${describeOutput(prediction.output)}; check that ${job.model} is an image model and which inputs it needs`,
          }),
        }
      }
      // A data URI is kept as the image's URL when URLs were asked for, and decoded when base64 was.
      const images = found.map((url) =>
        url.startsWith('data:') && job.call.format === ImageFormat.B64Json
          ? GeneratedImage.from_b64(url.slice(url.indexOf(',') + 1), { media_type: /^data:([^;,]+)/.exec(url)?.[1] })
          : GeneratedImage.from_url(url, {
              media_type: MEDIA_BY_EXTENSION[/\.(\w+)(?:\?|$)/.exec(url)?.[1]?.toLowerCase() ?? ''],
            }),
      )
      return { state: 'completed', images }
    }
    case 'failed': {
      const error =
        typeof prediction.error === 'string' ? prediction.error : JSON.stringify(prediction.error ?? 'no reason given')
      const code = codeForFailure(error)
      return {
        state: 'failed',
        error: new LLMKitError({
          code,
          provider: 'replicate',
          model: job.model,
          message: `replicate: prediction ${prediction.id} failed: ${error}${code === 'content_policy' ? ' — the model refused the prompt or its output under its safety checker; rephrase the prompt' : ''}`,
        }),
      }
    }
    case 'canceled':
    case 'aborted':
      return {
        state: 'failed',
        error: new LLMKitError({
          code: 'aborted',
          provider: 'replicate',
          model: job.model,
          isRetryable: false,
          message: `replicate: prediction ${prediction.id} was ${prediction.status} upstream (from another client or the dashboard) before it finished; start a new one if you still want the image`,
        }),
      }
    default:
      return { state: 'pending', phase: 'running', message: prediction.status }
  }
}
