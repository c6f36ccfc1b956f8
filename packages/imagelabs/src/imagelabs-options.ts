import * as z from 'zod'

/** Options only ImageLabs understands: `request.with_provider_options('imagelabs', { … })`. */
export const imagelabsImageOptionsSchema = z.strictObject({
  /** Sent as `subseed` (a variation seed). Default: the seed, or the current time in ms. */
  subseed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 53 - 1)
    .optional(),
})

export type ImageLabsImageOptions = z.infer<typeof imagelabsImageOptionsSchema>
