import {
  errorFromResponse,
  LLMKitError,
  type HttpResponse,
  type ImageCall,
  type ImageJob,
  type JobStatus,
  type ProviderContext,
  type StartResult,
  type SubmittedJob,
  joinUrlPath,
  parseResponse,
  definedFields,
} from '@llmkit/core'
import * as z from 'zod'
import { readReplicateError, replicatePredictionSchema, toJobStatus, type ReplicatePrediction } from './replicate-api'
import { splitModelId } from './replicate-models'
import type { ReplicateImageOptions } from './replicate-options'

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
