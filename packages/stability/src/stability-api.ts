import * as z from 'zod'
import { parseJsonWith, type LLMKitErrorCode } from '@llmkit/core'

/** v1 `text-to-image` JSON response: one artifact per sample. */
export const stabilityV1ResponseSchema = z.looseObject({
  artifacts: z.array(
    z.looseObject({ base64: z.string().nullish(), seed: z.number().nullish(), finishReason: z.string().nullish() }),
  ),
})

/** v2beta response with `Accept: application/json`. */
export const stabilityV2ResponseSchema = z.looseObject({
  image: z.string().nullish(),
  finish_reason: z.string().nullish(),
  seed: z.number().nullish(),
})

/** Both error envelopes: v1 `{ id, name, message }` and v2beta `{ id, name, errors[] }`. */
export const stabilityErrorSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string().nullish(),
  message: z.string().nullish(),
  errors: z.array(z.string()).nullish(),
})

/** Error names that say more than the status does. */
const CODE_BY_NAME: Readonly<Record<string, LLMKitErrorCode>> = {
  content_moderation: 'content_policy',
  payment_required: 'quota_exceeded',
  insufficient_balance: 'quota_exceeded',
  unauthorized: 'authentication',
  rate_limit_exceeded: 'rate_limited',
}

/** The message (`name: detail`) and, where the name says more than the status, the code of a Stability error body. */
export function readStabilityError(text: string): { message?: string; code?: LLMKitErrorCode } {
  const body = parseJsonWith(text, stabilityErrorSchema)
  if (!body) return {}
  const { name, message, errors } = body
  const detail = [message, ...(errors ?? [])]
    .filter(Boolean)
    .filter((value, index, all) => all.indexOf(value) === index)
    .join('; ')
  if (!detail && !name) return {}
  return { message: [name, detail].filter(Boolean).join(': '), code: CODE_BY_NAME[name ?? ''] }
}
