import * as z from 'zod'

/** Runway's input limits (docs, "API Input Parameters"): URLs HTTPS and at most 2,048 characters; data URIs at most 5 MB. */
export const RUNWAY_MAX_URL_LENGTH = 2048
export const RUNWAY_MAX_DATA_URI_BYTES = 5 * 1024 * 1024

/** A reference image: an HTTPS URL, a base64 image data URI, or a `runway://` upload. */
const referenceUri = z.string().superRefine((uri, issues) => {
  if (uri.startsWith('data:')) {
    if (!/^data:image\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/]+=*$/i.test(uri))
      issues.addIssue({ code: 'custom', message: 'must be a base64 image data URI (data:image/png;base64,…)' })
    // Decoded size: three bytes per four base64 characters.
    else if (Math.floor(((uri.length - uri.indexOf(',') - 1) * 3) / 4) > RUNWAY_MAX_DATA_URI_BYTES)
      issues.addIssue({ code: 'custom', message: 'data URI images are limited to 5 MB; use an HTTPS URL or an upload' })
  } else if (!/^(https|runway):\/\/\S+$/.test(uri)) {
    issues.addIssue({ code: 'custom', message: 'must be an https:// URL, a data: URI or a runway:// upload' })
  } else if (uri.length > RUNWAY_MAX_URL_LENGTH) {
    issues.addIssue({ code: 'custom', message: `URLs are limited to ${RUNWAY_MAX_URL_LENGTH} characters` })
  }
})

/** Options only Runway understands: `request.with_provider_options('runway', { … })`. */
export const runwayImageOptionsSchema = z.strictObject({
  /** Up to three reference images (`uri`: HTTPS URL up to 2,048 characters, data URI up to 5 MB, or `runway://` upload; `tag` 3–16 characters, used as `@tag` in the prompt). */
  referenceImages: z
    .array(
      z.strictObject({
        uri: referenceUri,
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
