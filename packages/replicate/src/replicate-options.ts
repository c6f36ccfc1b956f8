import * as z from 'zod'

/** Options only Replicate understands: `request.with_provider_options('replicate', { … })`. */
export const replicateImageOptionsSchema = z.strictObject({
  /** Output encoding (FLUX models): `webp` (the models' default), `jpg` or `png`. */
  output_format: z.enum(['webp', 'jpg', 'png']).optional(),
  /** Encoding quality 0–100 for `webp`/`jpg` (FLUX models). */
  output_quality: z.number().int().min(0).max(100).optional(),
  /** Denoising steps; each model has its own range (FLUX schnell 1–4, FLUX dev 1–50). */
  num_inference_steps: z.number().int().min(1).max(500).optional(),
  /** Prompt guidance (FLUX dev `guidance`, SDXL `guidance_scale`). */
  guidance: z.number().min(0).max(50).optional(),
  /** FLUX: turn the model's own safety checker off (where the model allows it). */
  disable_safety_checker: z.boolean().optional(),
  /** Further model inputs sent as given, for models llmkit does not know (`{ scheduler: 'K_EULER' }`). */
  input: z.record(z.string(), z.unknown()).optional(),
})

export type ReplicateImageOptions = z.infer<typeof replicateImageOptionsSchema>
