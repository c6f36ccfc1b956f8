import { LLMKitError } from '../errors/llmkit-error'
import { asBytes, fromBase64 } from '../util/bytes'
import type { DownloadPolicy } from '../http/image-download'
import type { HttpClient } from '../http/http-client'

/** Options for {@link GeneratedImage.save}. */
export interface SaveOptions extends ImageDataOptions {
  /** Create missing parent folders. Default false: a missing folder is an error (a typo should not make folders). */
  mkdir?: boolean
}

/** Options for {@link GeneratedImage.bytes} and {@link GeneratedImage.save}. */
export interface ImageDataOptions {
  signal?: AbortSignal
  /** Largest download accepted. Default 64 MiB. */
  maxBytes?: number
  /** Time limit for the whole download. Default 120 000 ms. */
  timeoutMs?: number
  /** Client for URL downloads. Default: a shared keep-alive client. */
  http?: HttpClient
  /**
   * Which hosts the download may reach besides public addresses. Default: the
   * policy of the client that generated the image (and its provider's API
   * host), else public addresses only.
   */
  downloads?: DownloadPolicy
}

/** Where an image came from, for downloads made later through `bytes()`/`save()`: that client's policy and API hosts. */
export interface DownloadTrust {
  readonly policy?: DownloadPolicy
  readonly apiHosts: readonly string[]
}

// Kept beside the (frozen) images rather than in them, so it never shows up in JSON or logs.
export const trustOf = new WeakMap<object, DownloadTrust>()
// In-memory bytes of images made with from_bytes (the local renderer): read instead of any URL.
export const heldBytes = new WeakMap<object, Uint8Array>()

/** Records which client policy and API hosts a later download of `image` is made under (core only). */
export function setDownloadTrust(image: object, trust: DownloadTrust): void {
  trustOf.set(image, trust)
}

/** An image's bytes: held in memory, decoded from base64, or downloaded under the policy of the client that made it. */
export async function readImageBytes(
  image: { readonly url?: string; readonly b64_json?: string },
  options: ImageDataOptions,
): Promise<Uint8Array> {
  const held = heldBytes.get(image)
  if (held) return asBytes(held)
  if (image.b64_json) return fromBase64(image.b64_json)
  if (!image.url) throw new LLMKitError({ code: 'no_image', message: 'This image has neither url nor b64_json' })
  // Loaded with the first URL read: an app that asks for base64 never needs it.
  return (await import('./read-image-url')).readImageUrl(image.url, trustOf.get(image), options)
}
