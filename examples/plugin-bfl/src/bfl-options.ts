import * as z from 'zod'

/** Options only BFL understands: `request.with_provider_options('bfl', { … })`. */
export const bflImageOptionsSchema = z.strictObject({
  /** Let BFL rewrite the prompt for more detail. Default false. */
  prompt_upsampling: z.boolean().optional(),
  /** 0 (strictest) to 6 (most permissive). Default 2. */
  safety_tolerance: z.number().int().min(0).max(6).optional(),
  /** Image format BFL encodes. Default `png`. */
  output_format: z.enum(['jpeg', 'png']).optional(),
})

export type BflImageOptions = z.infer<typeof bflImageOptionsSchema>
