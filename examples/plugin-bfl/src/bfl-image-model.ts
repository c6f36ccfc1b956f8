import {
  definedFields,
  errorFromResponse,
  GeneratedImage,
  LLMKitError,
  parseResponse,
  type HttpResponse,
  type ImageCall,
  type ImageJob,
  type JobStatus,
  type ProviderContext,
  type StartResult,
} from '@llmkit/core'
import { bflResultResponseSchema, bflSubmitResponseSchema, readBflError, type BflResult } from './bfl-api.js'
import { bflImageOptionsSchema } from './bfl-options.js'

/** What one call needs besides the call itself. */
export interface BflRequestConfig {
  readonly baseURL: string
  /** Read when a request is made, so a missing key fails the call, not the factory. */
  apiKey(): string
}

/** The key header, and the key as a secret core keeps out of every error text. */
function authorized(config: BflRequestConfig) {
  const key = config.apiKey()
  return { headers: { 'x-key': key }, secrets: [key] }
}

function failure(response: HttpResponse, model: string, config: BflRequestConfig): LLMKitError {
  const secrets = [config.apiKey()]
  return errorFromResponse({ provider: 'bfl', model, response, message: readBflError(response.text()), secrets })
}

/** Maps one call to the JSON body of `POST /v1/{model}`. */
export function toBflBody(call: ImageCall): Record<string, unknown> {
  // Core validated the options already; parsing again types them without a cast.
  const options = bflImageOptionsSchema.parse(call.options)
  // Fields left undefined are not sent.
  return definedFields({
    prompt: call.prompt,
    width: call.width,
    height: call.height,
    seed: call.seed,
    output_format: options.output_format ?? 'png',
    prompt_upsampling: options.prompt_upsampling,
    safety_tolerance: options.safety_tolerance,
  })
}

/** Submits one call; the handle keeps the polling URL when it is under the base URL. */
export async function startBflJob(
  call: ImageCall,
  context: ProviderContext,
  config: BflRequestConfig,
): Promise<StartResult> {
  const response = await context.http.send({
    method: 'POST',
    url: `${config.baseURL}/v1/${encodeURIComponent(call.model.id)}`,
    ...authorized(config),
    json: toBflBody(call),
    stage: 'submit',
  })
  if (!response.ok) throw failure(response, call.model.id, config)
  const where = { provider: 'bfl', model: call.model.id, what: 'submit answer' }
  const { id, polling_url: pollingURL } = parseResponse(bflSubmitResponseSchema, response, where)
  // Core builds the job handle from this; only a URL under our own base URL is followed (the key is sent with it).
  return { id, data: pollingURL?.startsWith(`${config.baseURL}/`) ? { pollingURL } : {} }
}

/** Asks once where a job stands. */
export async function bflJobStatus(
  job: ImageJob,
  context: ProviderContext,
  config: BflRequestConfig,
): Promise<JobStatus> {
  const pollingURL = job.data?.pollingURL
  const response = await context.http.send({
    method: 'GET',
    url:
      typeof pollingURL === 'string' && pollingURL.startsWith(`${config.baseURL}/`)
        ? pollingURL
        : `${config.baseURL}/v1/get_result?id=${encodeURIComponent(job.id)}`,
    ...authorized(config),
    stage: 'status',
  })
  if (!response.ok) throw failure(response, job.model, config)
  const where = { provider: 'bfl', model: job.model, what: `answer for job ${job.id}` }
  return toJobStatus(parseResponse(bflResultResponseSchema, response, where), job)
}

const MODERATED = new Set(['Request Moderated', 'Content Moderated'])
const FAILED = new Set(['Error', 'Failed', 'Task not found'])

/** `Ready` completes (with `result.sample`, if any); moderated and error states fail; anything else is pending. */
export function toJobStatus(body: BflResult, job: ImageJob): JobStatus {
  const status = body.status ?? body.state ?? ''
  if (status === 'Ready') {
    const sample = body.result?.sample
    const seed = body.result?.seed ?? job.call.seed
    return { state: 'completed', images: sample ? [GeneratedImage.from_url(sample, { seed: seed ?? undefined })] : [] }
  }
  if (MODERATED.has(status) || FAILED.has(status)) {
    const code = MODERATED.has(status) ? 'content_policy' : 'provider_error'
    const error = new LLMKitError({
      code,
      provider: 'bfl',
      model: job.model,
      message: `bfl: job ${job.id} ended "${status}"`,
    })
    return { state: 'failed', error }
  }
  const progress = typeof body.progress === 'number' ? body.progress : undefined
  return progress === undefined
    ? { state: 'pending', phase: 'queued', message: status || undefined }
    : { state: 'pending', phase: 'running', progress, message: status || undefined }
}
