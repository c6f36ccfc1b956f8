import { LLMKitError } from '../errors/llmkit-error'
import { asBytes, concatBytes } from '../util/bytes'
import { isIpLiteral, isPublicAddress, refusedAddressError } from './address-policy'
import { Attempt } from './fetch-attempt'
import {
  TransportError,
  type Transport,
  type TransportRequest,
  type TransportResponse,
  type TransportStream,
} from './transport'

/** Settings of the fetch transport. */
export interface FetchTransportOptions {
  /**
   * Resolves a host name and throws when any address it has is not public
   * (Node's DNS, where the runtime has it). Without it, downloads that must
   * reach public addresses only are refused for host names (literal addresses
   * are checked here): `fetch` does not say which address it connected to.
   */
  readonly assertPublicName?: ((hostname: string) => Promise<void>) | undefined
  /** The `fetch` to call. Default: the global one, looked up per request (so a runtime's or test's replacement counts). */
  readonly fetch?: typeof fetch
}

/**
 * The global `fetch` with the limits undici's dispatcher has: a time limit for
 * the headers and for any silence in the body, the byte limit (by declared
 * length, then as it arrives), abort, no redirects followed, and undici's
 * error codes for the same failures.
 */
export class FetchTransport implements Transport {
  readonly name = 'fetch'
  private isClosed = false

  constructor(private readonly options: FetchTransportOptions = {}) {}

  async send(request: TransportRequest, maxBytes: number, tooLarge: () => Error): Promise<TransportResponse> {
    const attempt = new Attempt(request)
    try {
      const response = await this.open(request, attempt)
      const length = Number(response.headers.get('content-length') ?? NaN)
      if (length > maxBytes) throw tooLarge()
      attempt.arm('UND_ERR_BODY_TIMEOUT')
      const body = await readAll(response, attempt, maxBytes, tooLarge)
      return { status: statusOf(response), headers: headersOf(response), body: asBytes(body) }
    } catch (error) {
      throw attempt.fail(error)
    } finally {
      attempt.finish()
    }
  }

  async stream(request: TransportRequest & { readonly signal: AbortSignal | undefined }): Promise<TransportStream> {
    const attempt = new Attempt(request)
    let response: Response
    try {
      response = await this.open(request, attempt)
    } catch (error) {
      attempt.finish()
      throw attempt.fail(error)
    }
    // Once streaming, silence is normal: only the caller's abort ends it.
    attempt.disarm()
    const reader = response.body?.getReader()
    return {
      status: statusOf(response),
      headers: headersOf(response),
      body: (async function* () {
        try {
          if (!reader) return
          for (;;) {
            const { done, value } = await reader.read()
            if (done) return
            yield asBytes(value)
          }
        } catch (error) {
          throw attempt.fail(error)
        } finally {
          attempt.finish()
        }
      })(),
      close: () => {
        attempt.finish()
        attempt.controller.abort(new TransportError('closed by the reader', 'UND_ERR_ABORTED'))
        reader?.cancel().catch(() => undefined)
      },
    }
  }

  async close(): Promise<void> {
    this.isClosed = true
  }

  private async open(request: TransportRequest, attempt: Attempt): Promise<Response> {
    if (this.isClosed) throw new TransportError('this client was closed', 'UND_ERR_CLOSED')
    if (request.proxy) throw proxyUnsupported()
    if (request.publicAddressesOnly) await this.assertPublic(request.url.hostname)
    const url = new URL(request.url)
    // As with undici's dispatcher, credentials in a URL are never sent.
    url.username = ''
    url.password = ''
    const run = this.options.fetch ?? fetch
    return run(url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      redirect: 'manual',
      signal: attempt.controller.signal,
    })
  }

  private async assertPublic(hostname: string): Promise<void> {
    const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname
    if (isIpLiteral(bare)) {
      if (!isPublicAddress(bare)) throw refusedAddressError(bare, bare)
      return
    }
    if (this.options.assertPublicName) return this.options.assertPublicName(bare)
    throw new LLMKitError({
      code: 'provider_error',
      isRetryable: false,
      message: `Refused to download an image from ${bare}: without Node's DNS this runtime cannot check that a host name leads to a public address. If you trust it, allow it with the client option downloads: { allowHosts: ['${bare}'] } (or allowPrivateNetwork: true)`,
    })
  }
}

async function readAll(
  response: Response,
  attempt: Attempt,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > maxBytes) {
      reader.cancel().catch(() => undefined)
      throw tooLarge()
    }
    chunks.push(value)
    attempt.arm('UND_ERR_BODY_TIMEOUT')
  }
  return concatBytes(chunks, size)
}

/** A browser hides a redirect (status 0, `opaqueredirect`); it is still one, and it is not followed. */
function statusOf(response: Response): number {
  return response.type === 'opaqueredirect' ? 302 : response.status
}

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  return headers
}

function proxyUnsupported(): LLMKitError {
  return new LLMKitError({
    code: 'invalid_request',
    isRetryable: false,
    message:
      "A proxy URL needs llmkit's undici transport (Node, Deno); this runtime uses fetch, which takes no proxy per request. Leave the proxy option unset and use the runtime's own proxy settings (Bun and Deno read HTTPS_PROXY)",
  })
}
