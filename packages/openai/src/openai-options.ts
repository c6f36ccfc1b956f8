import * as z from 'zod/mini'

/** Every OpenAI option, without the rules that tie them together. */
export const openaiImageOptionFields = z.strictObject({
  /** GPT image models: `low` | `medium` | `high` | `auto`; overrides the mapped `with_quality`. */
  quality: z.optional(z.enum(['low', 'medium', 'high', 'auto'])),
  /** GPT image models: output encoding. Default `png`. */
  output_format: z.optional(z.enum(['png', 'jpeg', 'webp'])),
  /** GPT image models, with `jpeg`/`webp`: 0–100. */
  output_compression: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(100))),
  /** GPT image models: `transparent` needs `png` or `webp`. */
  background: z.optional(z.enum(['transparent', 'opaque', 'auto'])),
  /** GPT image models: moderation strictness. */
  moderation: z.optional(z.enum(['low', 'auto'])),
  /**
   * GPT image models: stream 1–3 previews while the image is drawn (`stream: true` with `partial_images`).
   * `streamImage` and `onProgress` receive them as `partial_image` events; `generateImage` answers as usual.
   */
  partial_images: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(3))),
  /** End-user id for OpenAI's abuse monitoring. */
  user: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
})

/**
 * Options only OpenAI understands: `request.with_provider_options('openai', { … })`. The API's own
 * rules are checked here, before any request: compression needs jpeg or webp, transparency png or webp.
 */
export const openaiImageOptionsSchema = openaiImageOptionFields.check(
  z.superRefine((options, issues) => {
    const format = options.output_format ?? 'png'
    if (options.output_compression !== undefined && format === 'png')
      issues.addIssue({
        code: 'custom',
        path: ['output_compression'],
        message: 'applies only to output_format jpeg or webp (the format is png)',
      })
    if (options.background === 'transparent' && format === 'jpeg')
      issues.addIssue({
        code: 'custom',
        path: ['background'],
        message: 'transparent needs output_format png or webp (jpeg has no transparency)',
      })
  }),
)

export type OpenAIImageOptions = z.infer<typeof openaiImageOptionsSchema>
