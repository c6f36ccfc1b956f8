import * as z from 'zod/mini'
import { safeParseWith } from '../util/zod-schema'
import { invalidRequest, LLMKitError } from '../errors/llmkit-error'
import { isSafePathSegment, PATH_SEGMENT_GRAMMAR } from '../http/url-path'
import type { ImageJob } from '../provider/image-job'
import type { ImageModelInfo } from '../provider/image-model-info'
import type { ImageCall, ImageProvider } from '../provider/image-provider'
import { MAX_IMAGES_PER_REQUEST, MAX_SEED } from './image-generation-request'
import { ImageFormat } from './image-options'

const jsonValue: z.ZodMiniType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
)

/** A job handle as `submitted` events and `error.job` hand it out; unknown top-level fields are kept. */
const jobHandleSchema = z.looseObject({
  provider: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]*$/, 'a provider id such as "fal"')),
  model: z.string().check(z.minLength(1), z.maxLength(300)),
  id: z.string().check(z.refine(isSafePathSegment, `a job id made of ${PATH_SEGMENT_GRAMMAR}`)),
  data: z.optional(z.record(z.string(), jsonValue)),
  createdAt: z.number(),
  call: z.looseObject({
    n: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_IMAGES_PER_REQUEST)),
    width: z.number().check(z.int(), z.positive()),
    height: z.number().check(z.int(), z.positive()),
    format: z.enum(Object.values(ImageFormat) as [ImageFormat]),
    seed: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(MAX_SEED))),
    callIndex: z.number().check(z.int(), z.minimum(0)),
  }),
})

/** Checks a job handle given to `resumeImage` completely; `invalid_request` says which field is wrong. */
export function checkJobHandle(value: unknown): ImageJob {
  const result = safeParseWith(jobHandleSchema, value)
  if (result.success) return result.data as ImageJob
  const issue = result.error.issues[0]
  const where = issue?.path.length ? issue.path.join('.') : 'the handle'
  throw invalidRequest(
    `resumeImage: expected a job handle as saved from a \`submitted\` event or error.job ({ provider, model, id, createdAt, call }); ${where}: ${issue?.message ?? 'not valid'}`,
  )
}

/** The call a saved job handle stands for, so a resumed job maps its images the same way. */
export function callOfJob(job: ImageJob, model: ImageModelInfo): ImageCall {
  return { model, prompt: '', options: {}, aspectRatio: `${job.call.width}:${job.call.height}`, ...job.call }
}

/** The registered provider that can poll the job, or `unknown_model`. */
export function jobProvider(provider: ImageProvider | undefined, job: ImageJob): ImageProvider {
  if (provider?.status) return provider
  throw new LLMKitError({
    code: 'unknown_model',
    provider: job.provider,
    message: `Cannot resume job ${job.id}: no job provider "${job.provider}" is registered`,
  })
}
