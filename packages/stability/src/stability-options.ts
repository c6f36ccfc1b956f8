import * as z from 'zod'

/** Stability's 17 style presets (v2beta schema; v1 accepts the same names). */
export const STABILITY_STYLE_PRESETS = [
  'enhance',
  'anime',
  'photographic',
  'digital-art',
  'comic-book',
  'fantasy-art',
  'line-art',
  'analog-film',
  'neon-punk',
  'isometric',
  'low-poly',
  'origami',
  'modeling-compound',
  'cinematic',
  '3d-model',
  'pixel-art',
  'tile-texture',
] as const

/** SD3 variants of `POST /v2beta/stable-image/generate/sd3` (current names); the API's default is `sd3.5-large`. */
export const STABILITY_SD3_MODELS = ['sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium', 'sd3.5-flash'] as const

/**
 * Older SD3 names, still accepted: the API re-routes them to the SD3.5 models, so llmkit sends the
 * current name and says so in `response.warnings`.
 */
export const STABILITY_SD3_ALIASES: Readonly<Record<string, (typeof STABILITY_SD3_MODELS)[number]>> = {
  'sd3-large': 'sd3.5-large',
  'sd3-large-turbo': 'sd3.5-large-turbo',
  'sd3-medium': 'sd3.5-medium',
}

const stylePreset = z.enum(STABILITY_STYLE_PRESETS).optional()

/** Stable Diffusion XL (v1 API): `request.with_provider_options('stability', { … })`. */
export const stabilitySdxlOptionsSchema = z.strictObject({
  /** How strictly the image follows the prompt, 0–35. API default 7. */
  cfg_scale: z.number().min(0).max(35).optional(),
  /** Diffusion steps, 10–150. API default 30–50 depending on engine. */
  steps: z.number().int().min(10).max(150).optional(),
  /** Sampler; the API picks one when unset. */
  sampler: z
    .enum([
      'DDIM',
      'DDPM',
      'K_DPMPP_2M',
      'K_DPMPP_2S_ANCESTRAL',
      'K_DPM_2',
      'K_DPM_2_ANCESTRAL',
      'K_EULER',
      'K_EULER_ANCESTRAL',
      'K_HEUN',
      'K_LMS',
    ])
    .optional(),
  /** CLIP guidance. API default `NONE`. */
  clip_guidance_preset: z.enum(['FAST_BLUE', 'FAST_GREEN', 'NONE', 'SIMPLE', 'SLOW', 'SLOWER', 'SLOWEST']).optional(),
  /** Steers the image towards a style. */
  style_preset: stylePreset,
})

/** Stable Diffusion 3 (v2beta `sd3` endpoint). */
export const stabilitySd3OptionsSchema = z.strictObject({
  /**
   * Which SD3.5 variant runs. API default `sd3.5-large`. `*-turbo` variants ignore the negative prompt.
   * The older names `sd3-large`, `sd3-large-turbo` and `sd3-medium` are sent as their SD3.5 successors.
   */
  model: z.enum([...STABILITY_SD3_MODELS, 'sd3-large', 'sd3-large-turbo', 'sd3-medium']).optional(),
  /** How strictly the image follows the prompt, 1–10. */
  cfg_scale: z.number().min(1).max(10).optional(),
  /** Encoding of the image. API default `png`. */
  output_format: z.enum(['png', 'jpeg', 'webp']).optional(),
  /** Steers the image towards a style. */
  style_preset: stylePreset,
})

/** Stable Image Core (v2beta `core` endpoint). */
export const stabilityCoreOptionsSchema = z.strictObject({
  style_preset: stylePreset,
  /** Encoding of the image. API default `png`. */
  output_format: z.enum(['png', 'jpeg', 'webp']).optional(),
})

/** Stable Image Ultra (v2beta `ultra` endpoint). */
export const stabilityUltraOptionsSchema = z.strictObject({
  /** Encoding of the image. API default `png`. */
  output_format: z.enum(['png', 'jpeg', 'webp']).optional(),
  /** Steers the image towards a style. */
  style_preset: stylePreset,
})

/** Every Stability option across models (each model checks its own subset). */
export type StabilityImageOptions = z.infer<typeof stabilitySdxlOptionsSchema> &
  z.infer<typeof stabilitySd3OptionsSchema> &
  z.infer<typeof stabilityCoreOptionsSchema>
