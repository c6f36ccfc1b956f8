import {
  errorFromResponse,
  GeneratedImage,
  LLMKitError,
  type HttpRequest,
  type HttpResponse,
  type ImageCall,
  type ImageJob,
  type JobStatus,
  type ProviderContext,
  type StartResult,
  joinUrlPath,
  parseResponse,
} from '@llmkit/core'
import { artaStatusResponseSchema, artaSubmitResponseSchema, readArtaError, type ArtaStatusResponse } from './arta-api'
import type { ArtaAuth, ArtaAuthConfig } from './arta-auth'
import { type ArtaImageOptions } from './arta-options'
import { styleFor } from './arta-styles'
import { ARTA_DEFAULT_NEGATIVE_PROMPT } from './arta-models'

/** What one call needs besides the call itself. */
export interface ArtaRequestConfig {
  readonly baseURL: string
  readonly auth: ArtaAuth
  readonly authConfig: ArtaAuthConfig
  /** Send the form as multipart (like ARTA's app) instead of urlencoded (like gpt4free). */
  readonly multipart: boolean
  readonly headers?: Record<string, string>
}

const UNOFFICIAL = 'the unofficial API may have changed'
/** A seed in gpt4free's range when the request sets none, so every job is reproducible from its handle. */
const randomSeed = () => 9999 + Math.floor(Math.random() * (99_999_999 - 9999 + 1))

/** Maps one call to the fields of `POST /api/v1/text2image`, all strings. */
export function toArtaForm(call: ImageCall, seed: number): Record<string, string> {
  const options = call.options as ArtaImageOptions
  return {
    prompt: call.prompt,
    negative_prompt: call.negativePrompt ?? ARTA_DEFAULT_NEGATIVE_PROMPT,
    style: styleFor(call.model.id, seed),
    images_num: String(call.n),
    cfg_scale: String(options.guidance_scale ?? 7),
    steps: String(options.num_inference_steps ?? 30),
    aspect_ratio: options.aspect_ratio ?? call.aspectRatio,
    seed: String(seed),
  }
}

/** Sends with the current token; after a 401, once more with a fresh one. */
async function sendAuthorized(
  config: ArtaRequestConfig,
  context: ProviderContext,
  request: HttpRequest,
): Promise<HttpResponse> {
  const attempt = async (token: string) =>
    context.http.send({
      ...request,
      headers: { ...config.headers, ...request.headers, authorization: token },
      secrets: [config.authConfig.apiKey, token],
    })
  const token = await config.auth.token(config.authConfig, context)
  const response = await attempt(token)
  if (response.status !== 401) return response
  return attempt(await config.auth.token(config.authConfig, context, token))
}

function failure(response: HttpResponse, model: string, config: ArtaRequestConfig): LLMKitError {
  const detail = readArtaError(response.text())
  const refused =
    response.status === 401
      ? `the token was refused twice${detail ? ` (${detail})` : ''}; delete ${config.authConfig.authFile} and try again`
      : detail
  return errorFromResponse({ provider: 'arta', model, response, message: refused, secrets: [config.authConfig.apiKey] })
}

/** Submits one call and returns the job handle (the token stays in the auth file, not in the handle). */
export async function startArtaJob(
  call: ImageCall,
  context: ProviderContext,
  config: ArtaRequestConfig,
): Promise<StartResult> {
  const seed = call.seed ?? randomSeed()
  const form = toArtaForm(call, seed)
  const url = `${config.baseURL}/api/v1/text2image`
  const response = await sendAuthorized(
    config,
    context,
    config.multipart
      ? { method: 'POST', url, multipart: form, stage: 'submit' }
      : { method: 'POST', url, form, stage: 'submit' },
  )
  if (!response.ok) throw failure(response, call.model.id, config)
  const { record_id: id, status } = parseResponse(artaSubmitResponseSchema, response, {
    provider: 'arta',
    model: call.model.id,
    what: 'submit answer',
    hint: UNOFFICIAL,
  })
  const job = { model: call.model.id, call: { ...call, seed } }
  return { id, data: { style: form.style! }, seed, status: status ? toJobStatus({ status }, job) : undefined }
}

/** Asks once where a job stands. */
export async function artaJobStatus(
  job: ImageJob,
  context: ProviderContext,
  config: ArtaRequestConfig,
): Promise<JobStatus> {
  const url = joinUrlPath(config.baseURL, 'api', 'v1', 'text2image', job.id, 'status')
  const response = await sendAuthorized(config, context, { method: 'GET', url, stage: 'status' })
  if (!response.ok) throw failure(response, job.model, config)
  const what = `status answer for job ${job.id}`
  return toJobStatus(
    parseResponse(artaStatusResponseSchema, response, { provider: 'arta', model: job.model, what }),
    job,
  )
}

/** ARTA asks clients to poll every 2 s (gpt4free's pace). */
const POLL_AFTER_MS = 2_000

const PENDING: Readonly<Record<string, JobStatus>> = {
  IN_QUEUE: { state: 'pending', phase: 'queued', message: 'Waiting', pollAfterMs: POLL_AFTER_MS },
  IN_PROGRESS: { state: 'pending', phase: 'running', message: 'Generating', pollAfterMs: POLL_AFTER_MS },
}

/** IN_QUEUE and IN_PROGRESS wait, DONE carries the images, anything else (FAILED, null, unknown) is a failure. */
export function toJobStatus(body: ArtaStatusResponse, job: Pick<ImageJob, 'model' | 'call'>): JobStatus {
  const status = body.status ?? undefined
  if (status && PENDING[status]) return PENDING[status]!
  if (status === 'DONE') {
    const items = body.response ?? []
    const images = items.map((item) =>
      GeneratedImage.from_url(item.url, {
        media_type: item.MIME ?? undefined,
        seed: job.call.seed,
        content_filtered: item.isBlur ?? undefined,
      }),
    )
    const blurred = items.filter((item) => item.isBlur).length
    return {
      state: 'completed',
      images,
      warnings:
        blurred > 0
          ? [`arta blurred ${blurred} of ${items.length} image(s) (isBlur), usually because it judged them NSFW`]
          : undefined,
    }
  }
  const details = [body.error_code, body.error_details]
    .filter((value) => value !== null && value !== undefined)
    .map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
  return {
    state: 'failed',
    error: new LLMKitError({
      code: 'provider_error',
      provider: 'arta',
      model: job.model,
      message: `arta: image generation failed with status ${status ?? '(none)'}${details.length ? `: ${details.join(', ')}` : ''}`,
    }),
  }
}
