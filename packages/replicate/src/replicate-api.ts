import * as z from 'zod'
import {
  GeneratedImage,
  ImageFormat,
  LLMKitError,
  parseJsonWith,
  type ImageJob,
  type JobStatus,
  type LLMKitErrorCode,
} from '@llmkit/core'

/** The fields of a prediction the code reads; others are tolerated. */
export const replicatePredictionSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  /** Any JSON (Replicate's OpenAPI document): each model picks its own shape. */
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  logs: z.string().nullish(),
})

export type ReplicatePrediction = z.infer<typeof replicatePredictionSchema>

/** RFC 7807 problem details (Vercel's client also reads `error`). */
const replicateProblemSchema = z.looseObject({
  title: z.string().optional(),
  detail: z.string().optional(),
  error: z.string().optional(),
  invalid_fields: z
    .array(z.looseObject({ field: z.string().optional(), description: z.string().optional() }))
    .optional(),
})

/** The message of a Replicate error body. */
export function readReplicateError(text: string): { message?: string } {
  const body = parseJsonWith(text, replicateProblemSchema)
  if (!body) return {}
  const { title, detail, error, invalid_fields: fields } = body
  const message = detail ?? error ?? title
  if (fields?.length && !message?.includes(fields[0]?.field ?? '\u0000'))
    return { message: fields.map((f) => `${f.field}: ${f.description}`).join('; ') }
  return { message: message?.replace(/^- /, '') }
}

/** The latest percentage a Cog model printed (`76%|█████   | 7568/10000 …`), as 0..1. */
export function progressFromLogs(logs: string | null | undefined): number | undefined {
  const lines = (logs ?? '').split('\n').reverse()
  for (const line of lines) {
    const match = /^\s*(\d+)%\s*\|.+?\|\s*(\d+)\/(\d+)/.exec(line)
    if (match) return Math.min(1, Number(match[1]) / 100)
  }
  return undefined
}

/** Content-policy refusals show up as failed predictions with NSFW text (FLUX, SDXL safety checkers). */
export function codeForFailure(error: string): LLMKitErrorCode {
  return /nsfw|safety|sensitive|flagged/i.test(error) ? 'content_policy' : 'provider_error'
}

/** Extensions that are certainly not images, so a model's extra files (`.json`, `.txt`, video) are skipped. */
const NOT_IMAGE = /\.(json|txt|csv|mp4|webm|mov|wav|mp3|zip|tar|gz|safetensors|npy|glb|obj)(\?|#|$)/i

/**
 * The image URLs (http(s)) and image data URIs in a prediction's output, wherever the model put them
 * (`"url"`, `["url", …]`, `{ image: url }`, `[{ url }]`, nested), in document order, without repeats.
 */
export function findImageOutputs(output: unknown): string[] {
  const found: string[] = []
  const visit = (value: unknown, depth: number): void => {
    if (depth > 8 || found.length >= 64) return
    if (typeof value === 'string') {
      const isImage = /^https?:\/\/\S+$/i.test(value) ? !NOT_IMAGE.test(value) : /^data:image\//i.test(value)
      if (isImage && !found.includes(value)) found.push(value)
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1)
    } else if (typeof value === 'object' && value !== null) {
      for (const item of Object.values(value)) visit(item, depth + 1)
    }
  }
  visit(output, 0)
  return found
}

/** A short rendering of what a model answered, for an error message. */
export function describeOutput(output: unknown): string {
  if (output === undefined || output === null) return 'no output'
  const text =
    typeof output === 'string'
      ? JSON.stringify(output)
      : JSON.stringify(output, (_key, value: unknown) =>
          typeof value === 'string' && value.length > 80 ? `${value.slice(0, 60)}…(${value.length} characters)` : value,
        )
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
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
