import { LLMKitError, isAbortError } from '../errors/llmkit-error'
import type { CallOutcome, Emit } from '../call/call-context'
import type { ImageCall } from '../provider/image-provider'
import type { ImageJob } from '../provider/image-job'
import type { GeneratedImage } from '../response/generated-image'
import { ImageGenerationResponse, type CallFailure } from '../response/image-generation-response'

/** What a request's calls came to, gathered into one response. */
export interface RespondInput {
  readonly provider: string
  readonly model: string
  readonly calls: readonly ImageCall[]
  readonly settled: readonly PromiseSettledResult<CallOutcome>[]
  /** Warnings found while planning; each call's own come with its outcome. */
  readonly warnings: readonly string[]
  readonly emit: Emit | undefined
}

/**
 * Builds the response from every call's outcome: images in call order, the
 * warnings (planning's, each call's, and one for failed calls), merged usage
 * and job handles. Throws (rejects, when several calls failed) when every call
 * failed, and rethrows anything that is not an LLMKitError (an abort).
 */
export function respond(input: RespondInput): ImageGenerationResponse | Promise<never> {
  const { calls, settled, emit } = input
  const images: GeneratedImage[] = []
  const warnings = new Set(input.warnings)
  const jobs: ImageJob[] = []
  const failures: CallFailure[] = []
  const usage: Record<string, number> = {}
  let hasUsage = false
  for (let index = 0; index < settled.length; index++) {
    const result = settled[index]!
    if (result.status === 'rejected') {
      if (isAbortError(result.reason) || !LLMKitError.isInstance(result.reason)) throw result.reason
      failures.push({ callIndex: calls[index]!.callIndex, n: calls[index]!.n, error: result.reason })
      continue
    }
    const outcome = result.value
    images.push(...outcome.images)
    for (const warning of outcome.warnings ?? []) warnings.add(warning)
    if (outcome.job) jobs.push(outcome.job)
    for (const key in outcome.usage) {
      usage[key] = (usage[key] ?? 0) + outcome.usage[key]!
      hasUsage = true
    }
  }
  if (failures.length === settled.length) {
    if (calls.length === 1) throw failures[0]!.error
    // Loaded when several calls all failed.
    return import('./summarize-failures').then(({ summarizeFailures }) => {
      throw summarizeFailures(failures, calls.length)
    })
  }
  if (failures.length > 0) {
    const lost = failures.reduce((sum, failure) => sum + failure.n, 0)
    warnings.add(
      `${failures.length} of ${calls.length} calls failed, so ${lost} image(s) are missing: ${failures[0]!.error.message}`,
    )
  }
  const response = new ImageGenerationResponse({
    images,
    model: input.model,
    provider: input.provider,
    warnings: [...warnings],
    failures,
    usage: hasUsage ? usage : undefined,
    jobs,
  })
  emit?.({ type: 'done', response })
  return response
}
