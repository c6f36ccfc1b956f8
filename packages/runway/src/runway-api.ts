import * as z from 'zod'
import { parseJsonWith, type LLMKitErrorCode } from '@llmkit/core'

/** `POST /v1/text_to_image` answers with the task id. */
export const runwayCreateSchema = z.looseObject({ id: z.string() })

/** The fields of a task the code reads; others (cost, createdAt) are tolerated. */
export const runwayTaskSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  progress: z.number().optional(),
  output: z.array(z.string()).optional(),
  failure: z.string().optional(),
  failureCode: z.string().optional(),
})

export type RunwayTask = z.infer<typeof runwayTaskSchema>

const runwayErrorSchema = z.looseObject({
  error: z.string(),
  issues: z
    .array(
      z.looseObject({ path: z.array(z.union([z.string(), z.number()])).optional(), message: z.string().optional() }),
    )
    .optional(),
})

/** The message (and the code, where the text says more than the status) of a Runway error body. */
export function readRunwayError(text: string): { message?: string; code?: LLMKitErrorCode } {
  const body = parseJsonWith(text, runwayErrorSchema)
  if (!body) return {}
  const issue = body.issues?.[0]
  const message = issue ? `${body.error}: ${issue.path?.join('.') ?? ''} ${issue.message ?? ''}`.trim() : body.error
  return { message, code: /credits/i.test(body.error) ? 'quota_exceeded' : undefined }
}

/** Failure-code families (docs: task failures), most specific first. */
const CODE_BY_FAILURE: readonly (readonly [RegExp, LLMKitErrorCode, boolean])[] = [
  [/^SAFETY\./, 'content_policy', false],
  [/^INPUT_PREPROCESSING\.SAFETY\./, 'content_policy', false],
  [/^INTERNAL\.BAD_OUTPUT\./, 'provider_error', true],
  [/^(ASSET|INPUT_PREPROCESSING)\./, 'invalid_request', false],
]

/** The error code and retryability of a failed task. */
export function codeForFailure(failureCode: string | undefined): { code: LLMKitErrorCode; isRetryable: boolean } {
  const entry = CODE_BY_FAILURE.find(([pattern]) => pattern.test(failureCode ?? ''))
  return entry ? { code: entry[1], isRetryable: entry[2] } : { code: 'provider_error', isRetryable: true }
}
