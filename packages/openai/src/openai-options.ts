import { z } from 'zod'

/** Options only OpenAI understands: `request.with_provider_options('openai', { … })`. */
export const openaiImageOptionsSchema = z.strictObject({
  /** GPT image models: `low` | `medium` | `high` | `auto`; overrides the mapped `with_quality`. */
  quality: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  /** GPT image models: output encoding. Default `png`. */
  output_format: z.enum(['png', 'jpeg', 'webp']).optional(),
  /** GPT image models, with `jpeg`/`webp`: 0–100. */
  output_compression: z.number().int().min(0).max(100).optional(),
  /** GPT image models: `transparent` needs `png` or `webp`. */
  background: z.enum(['transparent', 'opaque', 'auto']).optional(),
  /** GPT image models: moderation strictness. */
  moderation: z.enum(['low', 'auto']).optional(),
  /** End-user id for OpenAI's abuse monitoring. */
  user: z.string().min(1).max(256).optional(),
})

export type OpenAIImageOptions = z.infer<typeof openaiImageOptionsSchema>
