import { DEFAULT_DOWNLOAD_TIMEOUT_MS, downloadImage } from '../http/image-download'
import type { HttpClient } from '../http/http-client'
import type { DownloadTrust, ImageDataOptions } from './image-file'

// `image.bytes()` of an image known by its URL, loaded with the first such read.

const NO_HTTP = {
  send(): never {
    throw new Error('unreachable: data: URIs are decoded, not sent')
  },
}

let sharedHttp: Promise<HttpClient> | undefined
function defaultHttp(): Promise<HttpClient> {
  sharedHttp ??= import('../http/http-client').then(({ HttpClient }) => new HttpClient())
  return sharedHttp
}

/** An image's bytes read from its URL, under the policy and API hosts of the client that made it (`trust`). */
export async function readImageUrl(
  url: string,
  trust: DownloadTrust | undefined,
  options: ImageDataOptions,
): Promise<Uint8Array> {
  const downloaded = await downloadImage(url, {
    http: options.http ?? (url.startsWith('data:') ? NO_HTTP : await defaultHttp()),
    signal: options.signal,
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
    policy: options.downloads ?? trust?.policy,
    apiHosts: trust?.apiHosts,
  })
  return downloaded.bytes
}
