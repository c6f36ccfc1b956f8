import {
  errorFromResponse,
  GeneratedImage,
  LLMKitError,
  type HttpResponse,
  type ImageCall,
  type ImageJob,
  type JobStatus,
  type ProviderContext,
  type StartResult,
  parseResponse,
} from '@llmkit/core'
import {
  imagelabsProgressResponseSchema,
  imagelabsSubmitResponseSchema,
  readImageLabsError,
  type ImageLabsProgress,
} from './imagelabs-api'
import { type ImageLabsImageOptions } from './imagelabs-options'

/** What the site's own page sends (gpt4free copied these from a browser). */
export const IMAGELABS_BROWSER_HEADERS: Readonly<Record<string, string>> = {
  accept: '*/*',
  'accept-language': 'en-US,en;q=0.9',
  'cache-control': 'no-cache',
  origin: 'https://editor.imagelabs.net',
  referer: 'https://editor.imagelabs.net/',
  'x-requested-with': 'XMLHttpRequest',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
}

/** What one call needs besides the call itself. */
export interface ImageLabsRequestConfig {
  readonly baseURL: string
  readonly headers: Record<string, string>
}

/** Maps one call to the JSON body of `POST /txt2img`. Seeds travel as strings, as the site sends them. */
export function toImageLabsBody(call: ImageCall, now: number): Record<string, unknown> {
  const options = call.options as ImageLabsImageOptions
  const seed = call.seed ?? Math.floor(now / 1000)
  return {
    prompt: call.prompt,
    seed: String(seed),
    subseed: String(options.subseed ?? call.seed ?? now),
    attention: 0,
    width: call.width,
    height: call.height,
    tiling: false,
    negative_prompt: call.negativePrompt ?? '',
    reference_image: '',
    reference_image_type: null,
    reference_strength: 30,
  }
}

function failure(response: HttpResponse, model: string): LLMKitError {
  return errorFromResponse({ provider: 'imagelabs', model, response, message: readImageLabsError(response.text()) })
}

const UNOFFICIAL = 'the unofficial API may have changed'

/** Submits one call and returns the job handle. */
export async function startImageLabsJob(
  call: ImageCall,
  context: ProviderContext,
  config: ImageLabsRequestConfig,
): Promise<StartResult> {
  const now = context.clock.now()
  const body = toImageLabsBody(call, now)
  const response = await context.http.send({
    method: 'POST',
    url: `${config.baseURL}/txt2img`,
    headers: config.headers,
    json: body,
    stage: 'submit',
  })
  if (!response.ok) throw failure(response, call.model.id)
  const where = { provider: 'imagelabs', model: call.model.id, what: 'txt2img answer', hint: UNOFFICIAL }
  return { id: parseResponse(imagelabsSubmitResponseSchema, response, where).task_id, seed: Number(body.seed) }
}

/** Asks once where a job stands (`POST /progress`). */
export async function imagelabsJobStatus(
  job: ImageJob,
  context: ProviderContext,
  config: ImageLabsRequestConfig,
): Promise<JobStatus> {
  const response = await context.http.send({
    method: 'POST',
    url: `${config.baseURL}/progress`,
    headers: config.headers,
    json: { task_id: job.id },
    stage: 'status',
  })
  if (!response.ok) throw failure(response, job.model)
  const where = {
    provider: 'imagelabs',
    model: job.model,
    what: `progress answer for task ${job.id}`,
    hint: UNOFFICIAL,
  }
  return toJobStatus(parseResponse(imagelabsProgressResponseSchema, response, where), job)
}

/** gpt4free polled every second. */
const POLL_AFTER_MS = 1_000

/** `Done` or a final URL completes; `Failed` or any status containing "error" fails; anything else is still going. */
export function toJobStatus(body: ImageLabsProgress, job: ImageJob): JobStatus {
  const status = body.status ?? ''
  if (body.final_image_url || status === 'Done') {
    const images = body.final_image_url ? [GeneratedImage.from_url(body.final_image_url, { seed: job.call.seed })] : []
    return { state: 'completed', images }
  }
  if (status.toLowerCase().includes('error') || status.toLowerCase() === 'failed') {
    return {
      state: 'failed',
      error: new LLMKitError({
        code: 'provider_error',
        provider: 'imagelabs',
        model: job.model,
        message: `imagelabs: image generation failed with status "${status}"`,
      }),
    }
  }
  const progress =
    typeof body.progress === 'number' && body.progress >= 0 && body.progress <= 1 ? body.progress : undefined
  const isQueued = /queue|wait|pending/i.test(status) || (!progress && !/process|running|generat/i.test(status))
  return isQueued
    ? { state: 'pending', phase: 'queued', message: status || undefined, pollAfterMs: POLL_AFTER_MS }
    : { state: 'pending', phase: 'running', progress, message: status || undefined, pollAfterMs: POLL_AFTER_MS }
}
