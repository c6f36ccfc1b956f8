import { LLMKitError } from '../errors/llmkit-error'
import { excerpt } from '../errors/redact'
import { utf8 } from '../util/bytes'
import { safeUrl } from './http-failure'
import type { HttpRequest, HttpResponse } from './http-types'

const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-fal-request-id', 'x-amzn-requestid', 'cf-ray']

/** undici's header object with repeated headers joined (in place: each response gets its own object). */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined) delete headers[name]
    else if (Array.isArray(value)) headers[name] = value.join(', ')
  }
  return headers as Record<string, string>
}

/** A response read to the end. */
export class BufferedResponse implements HttpResponse {
  readonly url: string
  readonly ok: boolean
  readonly requestId: string | undefined
  // Truly private (not shown by console.log or JSON): only for redacting error text.
  readonly #secrets: HttpRequest['secrets']

  constructor(
    request: HttpRequest,
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: Uint8Array,
  ) {
    this.url = request.url
    this.#secrets = request.secrets
    this.ok = status >= 200 && status < 300
    this.requestId = undefined
    for (const name of REQUEST_ID_HEADERS) {
      if (headers[name]) {
        this.requestId = headers[name]
        break
      }
    }
  }

  text(): string {
    return utf8(this.body)
  }

  json<T>(): T {
    const text = utf8(this.body)
    try {
      return JSON.parse(text) as T
    } catch (error) {
      throw new LLMKitError({
        code: 'provider_error',
        message: `${safeUrl(this.url)} answered ${this.status} with a body that is not JSON: ${excerpt(text, this.#secrets, 200)}`,
        status: this.status,
        requestId: this.requestId,
        isRetryable: this.status >= 500,
        cause: error,
        secrets: this.#secrets,
      })
    }
  }
}
