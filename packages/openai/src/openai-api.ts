import * as z from 'zod/mini'
import { parseJsonWith, type LLMKitErrorCode } from '@llmkit/core'

/** The fields of `ImagesResponse` the code reads; others are tolerated. */
export const openaiImagesResponseSchema = z.looseObject({
  created: z.number(),
  data: z.nullish(
    z.array(
      z.looseObject({
        url: z.optional(z.string()),
        b64_json: z.optional(z.string()),
        revised_prompt: z.optional(z.string()),
      }),
    ),
  ),
  output_format: z.optional(z.string()),
  usage: z.optional(z.looseObject({ input_tokens: z.number(), output_tokens: z.number(), total_tokens: z.number() })),
})

const usageSchema = z.looseObject({ input_tokens: z.number(), output_tokens: z.number(), total_tokens: z.number() })

/** One event of a streamed generation (`ImageGenStreamEvent`): a partial image, the completed image, or an error. */
export const openaiStreamEventSchema = z.looseObject({
  type: z.string(),
  b64_json: z.optional(z.string()),
  partial_image_index: z.optional(z.number().check(z.int(), z.minimum(0))),
  output_format: z.optional(z.string()),
  usage: z.optional(usageSchema),
  error: z.nullish(z.looseObject({ message: z.optional(z.string()) })),
})

/** OpenAI's error envelope. */
export const openaiErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    type: z.nullish(z.string()),
    code: z.nullish(z.string()),
    param: z.nullish(z.string()),
  }),
})

const CODE_BY_ERROR: Readonly<Record<string, LLMKitErrorCode>> = {
  content_policy_violation: 'content_policy',
  moderation_blocked: 'content_policy',
  insufficient_quota: 'quota_exceeded',
  billing_hard_limit_reached: 'quota_exceeded',
  rate_limit_exceeded: 'rate_limited',
  invalid_api_key: 'authentication',
}

/** The message and (when the body says more than the status) the code of an OpenAI error body. */
export function readOpenAIError(text: string): { message?: string; code?: LLMKitErrorCode } {
  const body = parseJsonWith(text, openaiErrorSchema)
  if (!body) return {}
  const { message, code, type } = body.error
  return { message, code: CODE_BY_ERROR[code ?? ''] ?? CODE_BY_ERROR[type ?? ''] }
}
