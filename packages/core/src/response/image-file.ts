import { LLMKitError } from '../errors/llmkit-error'
import { asBytes, fromBase64 } from '../util/bytes'
import { DEFAULT_DOWNLOAD_TIMEOUT_MS, downloadImage, type DownloadPolicy } from '../http/image-download'
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

export const NO_HTTP = {
  send(): never {
    throw new Error('unreachable: data: URIs are decoded, not sent')
  },
}

let sharedHttp: Promise<HttpClient> | undefined
export function defaultHttp(): Promise<HttpClient> {
  sharedHttp ??= import('../http/http-client').then(({ HttpClient }) => new HttpClient())
  return sharedHttp
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
  const trust = trustOf.get(image)
  const downloaded = await downloadImage(image.url, {
    http: options.http ?? (image.url.startsWith('data:') ? NO_HTTP : await defaultHttp()),
    signal: options.signal,
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
    policy: options.downloads ?? trust?.policy,
    apiHosts: trust?.apiHosts,
  })
  return downloaded.bytes
}
