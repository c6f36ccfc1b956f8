import { LLMKitError, isAbortError } from '../errors/llmkit-error'
import { fromBase64 } from '../util/bytes'
import { utf8Bytes } from '../util/encode-bytes'
import { sniffMediaType } from '../util/media-type'
import type { HttpResponse } from './http-types'
import { DEFAULT_DOWNLOAD_MAX_BYTES, type DownloadedImage, type DownloadSettings } from './image-download'

/** The work of {@link downloadImage} in ./image-download.ts, which loads this module on first use. */
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
