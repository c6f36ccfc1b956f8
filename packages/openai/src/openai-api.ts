import * as z from 'zod/mini'
import { parseJsonWith, type AnswerCheck, type LLMKitErrorCode } from '@llmkit/core'

/** The fields of `ImagesResponse` the code reads; others are tolerated. */
export interface OpenAIImagesResponse {
  readonly created: number
  readonly data?:
    readonly { readonly url?: string; readonly b64_json?: string; readonly revised_prompt?: string }[] | null
  readonly output_format?: string
  readonly usage?: { readonly input_tokens: number; readonly output_tokens: number; readonly total_tokens: number }
}

const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value)
const expected = (path: string, type: string, value: unknown) => `${path}: expected ${type}, received ${kind(value)}`

/**
 * Checks an `ImagesResponse` by hand: it is read on every call, where a zod parse cost
 * ~4 µs of the ~70 µs llmkit spends per call (bench/openai-vs-undici.bench.ts).
 */
export const checkImagesResponse: AnswerCheck<OpenAIImagesResponse> = (value) => {
  if (kind(value) !== 'object') return expected('(root)', 'object', value)
  const answer = value as Record<string, unknown>
  if (typeof answer.created !== 'number') return expected('created', 'number', answer.created)
  if (answer.output_format !== undefined && typeof answer.output_format !== 'string')
    return expected('output_format', 'string', answer.output_format)
  const { data, usage } = answer
  if (data !== undefined && data !== null) {
    if (!Array.isArray(data)) return expected('data', 'array', data)
    for (let index = 0; index < data.length; index++) {
      const item = data[index] as Record<string, unknown>
      if (kind(item) !== 'object') return expected(`data.${index}`, 'object', item)
      for (const field of ['url', 'b64_json', 'revised_prompt'] as const)
        if (item[field] !== undefined && typeof item[field] !== 'string')
          return expected(`data.${index}.${field}`, 'string', item[field])
    }
  }
  if (usage !== undefined) {
    if (kind(usage) !== 'object') return expected('usage', 'object', usage)
    for (const field of ['input_tokens', 'output_tokens', 'total_tokens'] as const) {
      const count = (usage as Record<string, unknown>)[field]
      if (typeof count !== 'number') return expected(`usage.${field}`, 'number', count)
    }
  }
  return undefined
}

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
