import { LLMKitError, isAbortError } from '../errors/llmkit-error'
import { fromBase64, utf8Bytes } from '../util/bytes'
import { sniffMediaType } from '../util/media-type'
import type { HttpRequest, HttpResponse } from './http-types'

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

/** Largest image download (or `data:` URI payload) accepted unless told otherwise: 64 MiB. */
export const DEFAULT_DOWNLOAD_MAX_BYTES = 64 * 1024 * 1024
/** Time limit of a download made outside a call (`image.bytes()`, `image.save()`): 120 s. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 120_000

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
  const maxBytes = settings.maxBytes ?? DEFAULT_DOWNLOAD_MAX_BYTES
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw refused(settings, 'is not a valid URL')
  }
  if (parsed.protocol === 'data:') return decodeDataImage(url, maxBytes, settings)
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw refused(settings, `uses ${parsed.protocol} (only http:, https: and data:image/… URLs are read)`)
  if (parsed.username || parsed.password) throw refused(settings, 'carries credentials')
  const host = parsed.hostname
  const policy = settings.policy
  const isTrusted =
    policy?.allowPrivateNetwork === true ||
    (policy?.allowHosts?.includes(host) ?? false) ||
    [...(settings.apiHosts ?? [])].includes(host)
  const response = await withDeadline(settings, (signal) =>
    settings.http.send({
      url: parsed.href,
      stage: 'download',
      signal,
      maxBytes,
      publicAddressesOnly: !isTrusted,
      ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    }),
  )
  if (!response.ok) throw downloadFailed(response, settings)
  return { bytes: response.body, mediaType: sniffMediaType(response.body) }
}

async function withDeadline<T>(settings: DownloadSettings, run: (signal?: AbortSignal) => Promise<T>): Promise<T> {
  if (settings.timeoutMs === undefined) return run(settings.signal)
  const timer = AbortSignal.timeout(settings.timeoutMs)
  const signal = settings.signal ? AbortSignal.any([settings.signal, timer]) : timer
  try {
    return await run(signal)
  } catch (error) {
    if (settings.signal?.aborted) throw settings.signal.reason
    if (timer.aborted && (isAbortError(error) || error === timer.reason))
      throw new LLMKitError({
        code: 'timeout',
        provider: settings.provider,
        model: settings.model,
        isRetryable: true,
        message: `Downloading the image took longer than ${settings.timeoutMs} ms; try again or raise timeoutMs`,
      })
    throw error
  }
}

function downloadFailed(response: HttpResponse, settings: DownloadSettings): LLMKitError {
  const { status } = response
  const isGone = status === 404 || status === 410
  const why =
    status >= 300 && status < 400
      ? 'redirects are not followed for image downloads'
      : isGone
        ? 'image URLs from providers expire, so download soon after generating'
        : 'the image host failed'
  return new LLMKitError({
    code: isGone ? 'no_image' : 'provider_error',
    provider: settings.provider,
    model: settings.model,
    status,
    requestId: response.requestId,
    isRetryable: status >= 500,
    message: `Downloading the image failed with HTTP ${status}; ${why}`,
  })
}

function refused(settings: DownloadSettings, why: string): LLMKitError {
  return new LLMKitError({
    code: 'provider_error',
    provider: settings.provider,
    model: settings.model,
    isRetryable: false,
    message: `Refused to read the image URL: it ${why}`,
  })
}

const DATA_IMAGE = /^data:(image\/[a-z0-9.+-]+)((?:;[a-z0-9-]+=[^;,]*)*)(;base64)?,/i
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** The bytes of a `data:image/…` URI, checked: a malformed one is a typed error, never a guess. */
export function decodeDataImage(
  url: string,
  maxBytes: number,
  settings: Partial<DownloadSettings> = {},
): DownloadedImage {
  const header = DATA_IMAGE.exec(url)
  if (!header) throw refused(settings as DownloadSettings, 'is a data: URI that is not a well-formed data:image/… URI')
  const payload = url.slice(header[0].length)
  const tooLarge = () =>
    new LLMKitError({
      code: 'provider_error',
      provider: settings.provider,
      isRetryable: false,
      message: `The data: image is larger than the ${maxBytes} byte limit; raise maxBytes if you expect images this large`,
    })
  let bytes: Uint8Array
  if (header[3]) {
    const compact = payload.replace(/\s+/g, '')
    if (Math.floor((compact.length * 3) / 4) > maxBytes + 2) throw tooLarge()
    if (!BASE64.test(compact) || compact.length % 4 === 1)
      throw refused(settings as DownloadSettings, 'is a data:image URI whose base64 payload is malformed')
    bytes = fromBase64(compact)
  } else {
    if (payload.length > maxBytes * 3) throw tooLarge()
    try {
      bytes = utf8Bytes(decodeURIComponent(payload))
    } catch {
      throw refused(settings as DownloadSettings, 'is a data:image URI whose percent-encoding is malformed')
    }
  }
  if (bytes.length > maxBytes) throw tooLarge()
  return { bytes, mediaType: header[1]!.toLowerCase() }
}
