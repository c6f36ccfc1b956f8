import { z } from 'zod'
import { parseJsonWith, type LLMKitErrorCode } from '@llmkit/core'

/** The fields of a prediction the code reads; others are tolerated. */
export const replicatePredictionSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  output: z.union([z.array(z.string().nullable()), z.string(), z.null()]).optional(),
  error: z.unknown().optional(),
  logs: z.string().nullish(),
})

export type ReplicatePrediction = z.infer<typeof replicatePredictionSchema>

/** RFC 7807 problem details (Vercel's client also reads `error`). */
const replicateProblemSchema = z.looseObject({
  title: z.string().optional(),
  detail: z.string().optional(),
  error: z.string().optional(),
  invalid_fields: z
    .array(z.looseObject({ field: z.string().optional(), description: z.string().optional() }))
    .optional(),
})

/** The message of a Replicate error body. */
export function readReplicateError(text: string): { message?: string } {
  const body = parseJsonWith(text, replicateProblemSchema)
  if (!body) return {}
  const { title, detail, error, invalid_fields: fields } = body
  const message = detail ?? error ?? title
  if (fields?.length && !message?.includes(fields[0]?.field ?? '\u0000'))
    return { message: fields.map((f) => `${f.field}: ${f.description}`).join('; ') }
  return { message: message?.replace(/^- /, '') }
}

/** The latest percentage a Cog model printed (`76%|█████   | 7568/10000 …`), as 0..1. */
export function progressFromLogs(logs: string | null | undefined): number | undefined {
  const lines = (logs ?? '').split('\n').reverse()
  for (const line of lines) {
    const match = /^\s*(\d+)%\s*\|.+?\|\s*(\d+)\/(\d+)/.exec(line)
    if (match) return Math.min(1, Number(match[1]) / 100)
  }
  return undefined
}

/** Content-policy refusals show up as failed predictions with NSFW text (FLUX, SDXL safety checkers). */
export function codeForFailure(error: string): LLMKitErrorCode {
  return /nsfw|safety|sensitive|flagged/i.test(error) ? 'content_policy' : 'provider_error'
}
