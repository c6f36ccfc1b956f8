import * as z from 'zod'

const steps = (max: number) => z.number().int().min(1).max(max).optional()
const shared = {
  /** Sampling steps. FLUX [dev] and SD3: 1–50 (default 28); FLUX [schnell]: 1–12 (default 4). */
  num_inference_steps: steps(50),
  /** How closely to follow the prompt. FLUX: 1–20 (default 3.5); SD3: 0–20 (default 5). */
  guidance_scale: z.number().min(1).max(20).optional(),
  /** fal's NSFW checker, which blacks out flagged images. Default true. */
  enable_safety_checker: z.boolean().optional(),
  /** Images come back inline as data URIs and are not kept in fal's request history. Default false. */
  sync_mode: z.boolean().optional(),
}

/** Options of `fal-ai/flux/dev`: `request.with_provider_options('fal', { num_inference_steps: 28 })`. */
export const falFluxOptionsSchema = z.strictObject({
  ...shared,
  /** Encoding of the images fal stores. Default `jpeg`. */
  output_format: z.enum(['jpeg', 'png']).optional(),
  /** Speed-up at some cost in quality. Default `none`. */
  acceleration: z.enum(['none', 'regular', 'high']).optional(),
})

/** Options of `fal-ai/flux/schnell`: as FLUX [dev], with at most 12 steps. */
export const falFluxSchnellOptionsSchema = falFluxOptionsSchema.extend({ num_inference_steps: steps(12) }).strict()

/** Options of `fal-ai/stable-diffusion-3` (fal's `stable-diffusion-v3-medium`). */
export const falStableDiffusionOptionsSchema = z.strictObject({
  ...shared,
  guidance_scale: z.number().min(0).max(20).optional(),
  /** Let fal expand the prompt before sampling. Default false. */
  prompt_expansion: z.boolean().optional(),
})

/** Options of any other fal model (`fal:owner/app/path`): the common fields, plus raw `input` fields sent as given. */
export const falImageOptionsSchema = z.strictObject({
  num_inference_steps: z.number().int().min(1).optional(),
  guidance_scale: z.number().min(0).optional(),
  enable_safety_checker: z.boolean().optional(),
  sync_mode: z.boolean().optional(),
  output_format: z.enum(['jpeg', 'png', 'webp']).optional(),
  acceleration: z.enum(['none', 'regular', 'high']).optional(),
  /** Extra input fields of the model's own schema (for example `{ style: 'anime' }`), merged into the body. */
  input: z.record(z.string(), z.unknown()).optional(),
})

/** Every fal option llmkit knows; each model accepts the subset its schema names. */
export type FalImageOptions = z.infer<typeof falImageOptionsSchema> & z.infer<typeof falStableDiffusionOptionsSchema>
