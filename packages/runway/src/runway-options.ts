import { z } from 'zod'

/** Options only Runway understands: `request.with_provider_options('runway', { … })`. */
export const runwayImageOptionsSchema = z.strictObject({
  /** Up to three reference images (`uri`: HTTPS URL or data URI; `tag` 3–16 characters, used as `@tag` in the prompt). */
  referenceImages: z
    .array(
      z.strictObject({
        uri: z.string().min(1).max(2048),
        tag: z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9_]{2,15}$/)
          .optional(),
      }),
    )
    .max(3)
    .optional(),
  /** `low` makes moderation less strict about recognisable public figures. Default `auto`. */
  publicFigureThreshold: z.enum(['auto', 'low']).optional(),
})

export type RunwayImageOptions = z.infer<typeof runwayImageOptionsSchema>
