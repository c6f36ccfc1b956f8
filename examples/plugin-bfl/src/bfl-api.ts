import * as z from 'zod'

/** `POST /v1/{model}`: the job id, and (on the current API) the URL to poll. */
export const bflSubmitResponseSchema = z.looseObject({
  id: z.string().min(1),
  polling_url: z.string().optional(),
})

/** `GET /v1/get_result?id=…`: `status` (some answers say `state`) and, when `Ready`, `result.sample`. */
export const bflResultResponseSchema = z.looseObject({
  status: z.string().optional(),
  state: z.string().optional(),
  progress: z.number().nullish(),
  result: z.looseObject({ sample: z.string().nullish(), seed: z.number().nullish() }).nullish(),
})

export type BflResult = z.infer<typeof bflResultResponseSchema>

const errorBodySchema = z.looseObject({
  detail: z
    .union([z.string(), z.array(z.looseObject({ loc: z.array(z.unknown()).optional(), msg: z.string() }))])
    .optional(),
  message: z.string().optional(),
})

/** The message of a BFL error body: FastAPI's `detail` (a string, or a list of `{loc, msg}`), or `message`. */
export function readBflError(text: string): string | undefined {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = errorBodySchema.safeParse(body)
  if (!parsed.success) return undefined
  const { detail, message } = parsed.data
  if (typeof detail === 'string') return detail
  if (detail) return detail.map((item) => `${(item.loc ?? []).slice(1).join('.') || 'body'}: ${item.msg}`).join('; ')
  return message
}
