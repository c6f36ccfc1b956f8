import * as z from 'zod'

/** Aspect ratios ARTA's clients send (tgpt, Imazes); gpt4free sent `1:1` unless told otherwise. */
export const ARTA_ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '9:16', '16:9', '9:21', '21:9'] as const

/** Options only ARTA understands: `request.with_provider_options('arta', { … })`. */
export const artaImageOptionsSchema = z.strictObject({
  /** Sent as `cfg_scale`: how closely to follow the prompt. Whole number 1–30; default 7. */
  guidance_scale: z.number().int().min(1).max(30).optional(),
  /** Sent as `steps`: denoising steps. Whole number 1–50 (ARTA's maximum); default 30. */
  num_inference_steps: z.number().int().min(1).max(50).optional(),
  /** Sent as `aspect_ratio`; overrides the ratio derived from `with_size` / `with_aspect_ratio`. */
  aspect_ratio: z.enum(ARTA_ASPECT_RATIOS).optional(),
})

export type ArtaImageOptions = z.infer<typeof artaImageOptionsSchema>
