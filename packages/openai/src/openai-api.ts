import * as z from 'zod'
import { parseJsonWith, type LLMKitErrorCode } from '@llmkit/core'

/** The fields of `ImagesResponse` the code reads; others are tolerated. */
export const openaiImagesResponseSchema = z.looseObject({
  created: z.number(),
  data: z
    .array(
      z.looseObject({
        url: z.string().optional(),
        b64_json: z.string().optional(),
        revised_prompt: z.string().optional(),
      }),
    )
    .nullish(),
  output_format: z.string().optional(),
  usage: z.looseObject({ input_tokens: z.number(), output_tokens: z.number(), total_tokens: z.number() }).optional(),
})

const usageSchema = z.looseObject({ input_tokens: z.number(), output_tokens: z.number(), total_tokens: z.number() })

/** One event of a streamed generation (`ImageGenStreamEvent`): a partial image, the completed image, or an error. */
export const openaiStreamEventSchema = z.looseObject({
  type: z.string(),
  b64_json: z.string().optional(),
  partial_image_index: z.number().int().min(0).optional(),
  output_format: z.string().optional(),
  usage: usageSchema.optional(),
  error: z.looseObject({ message: z.string().optional() }).nullish(),
})

/** OpenAI's error envelope. */
export const openaiErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    type: z.string().nullish(),
    code: z.string().nullish(),
    param: z.string().nullish(),
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
