/**
 * The object without its `undefined` fields, for JSON bodies and records where
 * a field that is not set must be absent (not written as `null`, not sent).
 */
export function definedFields<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T
}
