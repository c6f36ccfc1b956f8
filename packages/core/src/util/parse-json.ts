import type * as z from 'zod'

/**
 * Parses text as JSON and checks it against a schema; undefined when either
 * fails. For provider error bodies, which may be JSON, HTML or nothing.
 */
export function parseJsonWith<T>(text: string, schema: z.ZodType<T>): T | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  const result = schema.safeParse(parsed)
  return result.success ? result.data : undefined
}
