/**
 * The object without its `undefined` fields, for JSON bodies and records where
 * a field that is not set must be absent (not written as `null`, not sent).
 */
export function definedFields<T extends object>(value: T): T {
  const result: Record<string, unknown> = {}
  for (const key in value) if (value[key] !== undefined) result[key] = value[key]
  return result as T
}
