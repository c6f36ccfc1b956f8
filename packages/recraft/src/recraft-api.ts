import * as z from 'zod'
import { parseJsonWith, type LLMKitErrorCode } from '@llmkit/core'

/** The fields of Recraft's `GenerateImageResponse` the code reads; others are tolerated. */
export const recraftImagesResponseSchema = z.looseObject({
  created: z.number().nullish(),
  credits: z.number().nullish(),
  data: z
    .array(
      z.looseObject({
        image_id: z.string().nullish(),
        url: z.string().nullish(),
        b64_json: z.string().nullish(),
        revised_prompt: z.string().nullish(),
      }),
    )
    .nullish(),
})

/** Recraft's error body is not documented: `{ code, message }` as clients read it, or OpenAI's `{ error: { … } }`, or `{ detail }`. */
export const recraftErrorSchema = z.looseObject({
  code: z.string().nullish(),
  message: z.string().nullish(),
  detail: z.unknown().optional(),
  error: z
    .looseObject({ message: z.string().nullish(), code: z.string().nullish(), type: z.string().nullish() })
    .nullish(),
})

const CODE_BY_ERROR: Readonly<Record<string, LLMKitErrorCode>> = {
  not_enough_credits: 'quota_exceeded',
  insufficient_credits: 'quota_exceeded',
  unauthorized: 'authentication',
  invalid_api_key: 'authentication',
  rate_limit_exceeded: 'rate_limited',
}

const codeOf = (name: string): LLMKitErrorCode | undefined =>
  CODE_BY_ERROR[name] ?? (/moderat|inappropriate|nsfw|safety|content_policy/.test(name) ? 'content_policy' : undefined)

/** The message and (when the body says more than the status) the code of a Recraft error body. */
export function readRecraftError(text: string): { message?: string; code?: LLMKitErrorCode } {
  const body = parseJsonWith(text, recraftErrorSchema)
  if (!body) return {}
  const { code, message, detail, error } = body
  const name = code ?? error?.code ?? error?.type ?? ''
  const detailText =
    message ??
    error?.message ??
    (typeof detail === 'string' ? detail : detail === undefined ? undefined : JSON.stringify(detail))
  if (!detailText && !name) return {}
  return { message: [name, detailText].filter(Boolean).join(': '), code: codeOf(name) }
}
