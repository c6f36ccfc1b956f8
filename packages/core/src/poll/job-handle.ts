import { LLMKitError } from '../errors/llmkit-error'
import { isSafePathSegment, PATH_SEGMENT_GRAMMAR } from '../http/url-path'
import type { ImageJob } from '../provider/image-job'
import type { ImageCall, SubmittedJob } from '../provider/image-provider'

/**
 * The handle of a job a provider submitted: its id and data (from `start` or `findSubmitted`), with the
 * provider, model, submit time and the call's settings, so that `status` works from the handle alone and a
 * resumed job maps its images the same way. Plain JSON: users store it and pass it to `resumeImage`.
 */
export function jobHandle(provider: string, call: ImageCall, submitted: SubmittedJob, createdAt: number): ImageJob {
  checkJobId(provider, call.model.id, submitted.id)
  const { n, width, height, format, callIndex } = call
  const seed = submitted.seed ?? call.seed
  return {
    provider,
    model: call.model.id,
    id: submitted.id,
    ...(submitted.data === undefined ? {} : { data: submitted.data }),
    createdAt,
    call: { n, width, height, format, ...(seed === undefined ? {} : { seed }), callIndex },
  }
}

/** The id goes into status and cancel paths: a hostile answer must not steer them. */
function checkJobId(provider: string, model: string, id: unknown): void {
  if (typeof id === 'string' && isSafePathSegment(id)) return
  const shown = typeof id === 'string' ? JSON.stringify(id.slice(0, 80)) : String(id)
  throw new LLMKitError({
    code: 'provider_error',
    provider,
    model,
    isRetryable: false,
    message: `${provider}: the API answered with job id ${shown}, which llmkit refuses to put into a request path (a job id must be ${PATH_SEGMENT_GRAMMAR})`,
  })
}
