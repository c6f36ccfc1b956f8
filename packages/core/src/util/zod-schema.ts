import * as z from 'zod/mini'
import { en } from 'zod/locales'

/**
 * Any zod 4 schema producing `T`, made with `zod` or with `zod/mini`: what a provider
 * hands core (its options schema, its error-body schema).
 */
export type ZodSchema<T = unknown> = z.core.$ZodType<T>

let localeChecked = false

/**
 * `safeParse` for any zod 4 schema. Core's own schemas use `zod/mini` (no locale of its own,
 * so a bundle stays small); like `zod` itself, English messages are set on first use unless
 * the app configured a locale.
 */
export function safeParseWith<T>(schema: ZodSchema<T>, value: unknown): z.core.util.SafeParseResult<T> {
  if (!localeChecked) {
    localeChecked = true
    if (!z.config().localeError) z.config(en())
  }
  return z.safeParse(schema, value) as z.core.util.SafeParseResult<T>
}
