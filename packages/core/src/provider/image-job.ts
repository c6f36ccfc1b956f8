import type { ImageFormat } from '../request/image-options'

/** JSON-safe data, for job handles. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/**
 * A handle to a job running at a provider: plain data, safe to store as JSON
 * and to pass to `client.resumeImage()` from another process.
 */
export interface ImageJob {
  readonly provider: string
  readonly model: string
  /** The provider's job id. */
  readonly id: string
  /** Whatever else the provider needs to poll or cancel (URLs, tokens excluded). */
  readonly data?: { readonly [key: string]: JsonValue }
  /** Epoch ms when the job was submitted. */
  readonly createdAt: number
  /** The call's settings, so a resumed job maps images the same way. */
  readonly call: {
    readonly n: number
    readonly width: number
    readonly height: number
    readonly format: ImageFormat
    readonly seed?: number
    readonly callIndex: number
  }
}
