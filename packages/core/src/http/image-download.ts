import type { HttpRequest, HttpResponse } from './http-types'

// The public face of image downloads; the work is in ./download.ts, loaded on first use.

/** Largest image download (or `data:` URI payload) accepted unless told otherwise: 64 MiB. */
export const DEFAULT_DOWNLOAD_MAX_BYTES = 64 * 1024 * 1024
/** Time limit of a download made outside a call (`image.bytes()`, `image.save()`): 120 s. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 120_000

/**
 * Which hosts image downloads may reach besides the public internet. By
 * default a download from a provider answer may not reach a private,
 * loopback, link-local (cloud metadata) or otherwise non-public address,
 * checked on the address actually connected to, unless its host is the
 * provider API's own host (the configured base URL's).
 */
export interface DownloadPolicy {
  /** Allow downloads from any address, private networks and loopback included (a local gateway, an emulator). Default false. */
  allowPrivateNetwork?: boolean
  /** Host names or literal addresses (as in the URL, lower case, IPv6 in brackets) downloads may reach whatever they resolve to. */
  allowHosts?: readonly string[]
}

/** Everything one download needs. */
export interface DownloadSettings {
  /** Sends the request: core's HttpClient, or a call's retrying http. */
  readonly http: { send(request: HttpRequest): Promise<HttpResponse> }
  readonly signal?: AbortSignal
  /** Default {@link DEFAULT_DOWNLOAD_MAX_BYTES}. */
  readonly maxBytes?: number
  /** Whole-download time limit. Default: none here (the caller's deadline applies). */
  readonly timeoutMs?: number
  readonly policy?: DownloadPolicy
  /** Hosts the provider's API is at (its base URL's): downloads from them are trusted. */
  readonly apiHosts?: Iterable<string>
  /** Who handed out the URL, for messages (`fal`, `download`). */
  readonly provider?: string
  readonly model?: string
}

/** A downloaded image. */
export interface DownloadedImage {
  readonly bytes: Uint8Array
  readonly mediaType: string | undefined
}

/**
 * The one way llmkit reads an image URL: `http:`/`https:` through the host
 * policy, the byte limit, the deadline and abort, without credentials and
 * without following redirects; or a well-formed `data:image/…` URI decoded
 * under the same byte limit. Anything else (`file:`, `ftp:`, …) is refused.
 */
export async function downloadImage(url: string, settings: DownloadSettings): Promise<DownloadedImage> {
  // Loaded with the first URL read: an app that asks for base64 never needs it (nor does its bundle load it).
  return (await import('./download')).downloadImage(url, settings)
}
