import * as z from 'zod'
import {
  definedFields,
  GeneratedImage,
  LLMKitError,
  parseJsonWith,
  type ImageCall,
  type JobStatus,
  type LLMKitErrorCode,
} from '@llmkit/core'
import { CATALOG_IDS } from './fal-models'
import type { FalImageOptions } from './fal-options'

/** The submit answer (fal.md §2.4): only the id is needed; the URLs are rebuilt as the official client does. */
export const falSubmitResponseSchema = z.looseObject({ request_id: z.string(), queue_position: z.number().nullish() })

const falLogSchema = z.looseObject({ message: z.string().nullish() })

/** One status log line. */
export type FalLog = z.infer<typeof falLogSchema>

/**
 * Status `logs`: the live API sends a list of log objects, fal's generated schema types it as one object.
 * Both are read, as a list (an object is one log, or a map of logs); anything else is no logs.
 */
export function falLogsOf(status: FalStatus): FalLog[] {
  const value = status.logs
  const entries = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null
      ? 'message' in value
        ? [value]
        : Object.values(value)
      : []
  return entries.flatMap((entry) => {
    const parsed = falLogSchema.safeParse(entry)
    return parsed.success ? [parsed.data] : []
  })
}

/** A status object, from a poll or the status stream. */
export const falStatusSchema = z.looseObject({
  status: z.string(),
  queue_position: z.number().nullish(),
  /** A list from the live API, an object in fal's generated schema: read it with `falLogsOf`. */
  logs: z.unknown().optional(),
})
export type FalStatus = z.infer<typeof falStatusSchema>

/** The output of fal's text-to-image models (`FluxDevOutput` and kin). */
export const falResultSchema = z.looseObject({
  images: z
    .array(
      z.looseObject({
        url: z.string(),
        width: z.number().nullish(),
        height: z.number().nullish(),
        content_type: z.string().nullish(),
      }),
    )
    .nullish(),
  seed: z.number().nullish(),
  has_nsfw_concepts: z.array(z.boolean()).nullish(),
  nsfw_content_detected: z.array(z.boolean()).nullish(),
})
export type FalResult = z.infer<typeof falResultSchema>

const falErrorSchema = z.looseObject({
  detail: z
    .union([
      z.string(),
      z.array(
        z.looseObject({
          loc: z.array(z.union([z.string(), z.number()])).nullish(),
          msg: z.string(),
          type: z.string().nullish(),
        }),
      ),
    ])
    .nullish(),
  message: z.string().nullish(),
  error_type: z.string().nullish(),
})

const CODE_BY_TYPE: Readonly<Record<string, LLMKitErrorCode>> = {
  content_policy_violation: 'content_policy',
  client_cancelled: 'aborted',
  request_timeout: 'timeout',
  startup_timeout: 'timeout',
  generation_timeout: 'timeout',
}

/** pydantic's wording, shortened so the field name reads as the subject. */
const REWORDINGS: readonly [RegExp, string][] = [
  [/^Input should be less than or equal to (.+)$/, 'must be at most $1'],
  [/^Input should be greater than or equal to (.+)$/, 'must be at least $1'],
  [/^Input should be (.+)$/, 'must be $1'],
  [/^Field required$/, 'is required'],
  [/^Extra inputs are not permitted$/, 'is not an input of this model'],
]

function describeIssue(loc: readonly (string | number)[] | null | undefined, msg: string): string {
  const field = (loc ?? []).filter((part, index) => !(index === 0 && part === 'body')).join('.')
  if (!field) return msg
  const rule = REWORDINGS.find(([pattern]) => pattern.test(msg))
  return `${field} ${rule ? msg.replace(rule[0], rule[1]) : msg}`
}

/**
 * The message and (when the body says more than the status) the code of a
 * fal error body: a 422 `detail` list, a `detail` string with `error_type`, or `message`.
 */
export function readFalError(text: string, status: number): { message?: string; code?: LLMKitErrorCode } {
  const body = parseJsonWith(text, falErrorSchema)
  if (!body) return {}
  const { detail, message, error_type: errorType } = body
  const issues = Array.isArray(detail) ? detail : []
  const summary =
    typeof detail === 'string'
      ? detail
      : issues.map((issue) => describeIssue(issue.loc, issue.msg)).join('; ') || message || undefined
  const type = errorType ?? issues.find((issue) => issue.type && CODE_BY_TYPE[issue.type])?.type ?? ''
  const isBalance = status === 403 && /balance|billing|locked/i.test(summary ?? '')
  return {
    message: summary && errorType ? `${summary} (${errorType})` : summary,
    code: CODE_BY_TYPE[type] ?? (isBalance ? 'quota_exceeded' : undefined),
  }
}

/** `image_size` presets [?: sizes agreed by third-party sources]; other sizes go as `{ width, height }`. */
const PRESETS: Readonly<Record<string, string>> = {
  '1024x1024': 'square_hd',
  '512x512': 'square',
  '768x1024': 'portrait_4_3',
  '576x1024': 'portrait_16_9',
  '1024x768': 'landscape_4_3',
  '1024x576': 'landscape_16_9',
}

/** Maps one call to the model input fal's queue takes as the submit body. */
export function toFalInput(call: ImageCall): Record<string, unknown> {
  const { input: extra, ...options } = call.options as FalImageOptions
  const body: Record<string, unknown> = {
    prompt: call.prompt,
    negative_prompt: call.negativePrompt,
    image_size: PRESETS[`${call.width}x${call.height}`] ?? { width: call.width, height: call.height },
    // Endpoints outside the catalog may not know num_images; one image is their default.
    num_images: CATALOG_IDS.has(call.model.id) || call.n > 1 ? call.n : undefined,
    seed: call.seed,
    ...options,
    ...extra,
  }
  return definedFields(body)
}

function toImage(
  image: NonNullable<FalResult['images']>[number],
  metadata: { seed?: number; content_filtered?: boolean },
): GeneratedImage {
  const details = {
    ...metadata,
    width: image.width ?? undefined,
    height: image.height ?? undefined,
    media_type: image.content_type ?? undefined,
  }
  const inline = /^data:([^;,]+)?;base64,(.*)$/s.exec(image.url)
  if (inline) return GeneratedImage.from_b64(inline[2]!, { ...details, media_type: details.media_type ?? inline[1] })
  return GeneratedImage.from_url(image.url, details)
}

/**
 * fal's output as a job status: images (blacked-out ones marked
 * `content_filtered` with a warning), or a `content_policy` failure when fal's
 * safety checker flagged every image.
 */
export function fromFalResult(result: FalResult, modelId: string): JobStatus {
  const flags = result.has_nsfw_concepts ?? result.nsfw_content_detected ?? []
  const found = result.images ?? []
  const seed = found.length === 1 ? (result.seed ?? undefined) : undefined
  const images = found.map((image, index) =>
    toImage(image, { seed, content_filtered: flags[index] === true ? true : undefined }),
  )
  const flagged = images.filter((image) => image.content_filtered).length
  if (images.length > 0 && flagged === images.length) {
    const message = `fal: its safety checker flagged ${images.length === 1 ? 'the image' : `all ${images.length} images`} as NSFW and blacked ${images.length === 1 ? 'it' : 'them'} out — rephrase the prompt`
    return {
      state: 'failed',
      error: new LLMKitError({ code: 'content_policy', provider: 'fal', model: modelId, message }),
    }
  }
  const warnings =
    flagged > 0
      ? [`fal: ${flagged} of ${images.length} images were flagged as NSFW and blacked out (marked content_filtered)`]
      : []
  return { state: 'completed', images, warnings }
}
