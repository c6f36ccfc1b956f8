import * as z from 'zod'
import { invalidRequest } from '../errors/llmkit-error'
import { isSafePathSegment, PATH_SEGMENT_GRAMMAR } from '../http/url-path'
import type { ImageJob } from '../provider/image-job'
import { MAX_IMAGES_PER_REQUEST, MAX_SEED } from './image-generation-request'
import { ImageFormat } from './image-options'

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
)

/** A job handle as `submitted` events and `error.job` hand it out; unknown top-level fields are kept. */
const jobHandleSchema = z.looseObject({
  provider: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a provider id such as "fal"'),
  model: z.string().min(1).max(300),
  id: z.string().refine(isSafePathSegment, `a job id made of ${PATH_SEGMENT_GRAMMAR}`),
  data: z.record(z.string(), jsonValue).optional(),
  createdAt: z.number().finite(),
  call: z.looseObject({
    n: z.number().int().min(1).max(MAX_IMAGES_PER_REQUEST),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    format: z.enum(Object.values(ImageFormat) as [ImageFormat]),
    seed: z.number().int().min(0).max(MAX_SEED).optional(),
    callIndex: z.number().int().min(0),
  }),
})

/** Checks a job handle given to `resumeImage` completely; `invalid_request` says which field is wrong. */
export function checkJobHandle(value: unknown): ImageJob {
  const result = jobHandleSchema.safeParse(value)
  if (result.success) return result.data as ImageJob
  const issue = result.error.issues[0]
  const where = issue?.path.length ? issue.path.join('.') : 'the handle'
  throw invalidRequest(
    `resumeImage: expected a job handle as saved from a \`submitted\` event or error.job ({ provider, model, id, createdAt, call }); ${where}: ${issue?.message ?? 'not valid'}`,
  )
}
