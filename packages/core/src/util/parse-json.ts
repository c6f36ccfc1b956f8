import { safeParseWith, type ZodSchema } from './zod-schema'

/**
 * Parses text as JSON and checks it against a schema; undefined when either
 * fails. For provider error bodies, which may be JSON, HTML or nothing.
 */
export function parseJsonWith<T>(text: string, schema: ZodSchema<T>): T | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  const result = safeParseWith(schema, parsed)
  return result.success ? result.data : undefined
}
