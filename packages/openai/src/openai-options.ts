import * as z from 'zod'

/** Every OpenAI option, without the rules that tie them together. */
export const openaiImageOptionFields = z.strictObject({
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
  /**
   * GPT image models: stream 1–3 previews while the image is drawn (`stream: true` with `partial_images`).
   * `streamImage` and `onProgress` receive them as `partial_image` events; `generateImage` answers as usual.
   */
  partial_images: z.number().int().min(1).max(3).optional(),
  /** End-user id for OpenAI's abuse monitoring. */
  user: z.string().min(1).max(256).optional(),
})

/**
 * Options only OpenAI understands: `request.with_provider_options('openai', { … })`. The API's own
 * rules are checked here, before any request: compression needs jpeg or webp, transparency png or webp.
 */
export const openaiImageOptionsSchema = openaiImageOptionFields.superRefine((options, issues) => {
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
})

export type OpenAIImageOptions = z.infer<typeof openaiImageOptionsSchema>
