/** Image quality (DALL-E 3 and a few others). */
export const ImageQuality = {
  /** Faster, cheaper. */
  Standard: 'standard',
  /** More detail. */
  Hd: 'hd',
} as const
export type ImageQuality = (typeof ImageQuality)[keyof typeof ImageQuality]

/** Image style (DALL-E 3 and a few others). */
export const ImageStyle = {
  /** Realistic. */
  Natural: 'natural',
  /** Dramatic, vivid. */
  Vivid: 'vivid',
} as const
export type ImageStyle = (typeof ImageStyle)[keyof typeof ImageStyle]

/** How images come back: a URL to download, or base64 data in the response. */
export const ImageFormat = {
  /** A download URL (`https:` from hosted providers, `file:` from the local renderer). */
  Url: 'url',
  /** Base64-encoded image bytes in `b64_json`. */
  B64Json: 'b64_json',
} as const
export type ImageFormat = (typeof ImageFormat)[keyof typeof ImageFormat]
