import { concatBytes } from '../util/bytes'
import { BufferedResponse } from './buffered-response'
import type { AttemptSettings } from './http-client'
import { transportFailure } from './http-failure'
import type { HttpRequest, HttpStreamResponse } from './http-types'
import type { Transport, TransportRequest } from './transport'

/** What `readFailure` reads of a refused stream's body. */
const FAILURE_BYTES = 65_536

/** The work of `HttpClient.stream`, loaded with the first stream. */
export async function openStream(
  sender: Transport,
  request: HttpRequest,
  attempt: (AttemptSettings & { readonly signal: AbortSignal | undefined }) | undefined,
  prepare: () => TransportRequest,
): Promise<HttpStreamResponse> {
  let prepared: TransportRequest | undefined
  try {
    prepared = prepare()
    const { timeoutMs } = prepared
    const signal = attempt ? attempt.signal : request.signal
    const response = await sender.stream({ ...prepared, signal })
    const body = (async function* () {
      try {
        for await (const chunk of response.body) yield chunk
      } catch (error) {
        throw await transportFailure(error, request, signal, timeoutMs)
      }
    })()
    return {
      status: response.status,
      ok: response.status >= 200 && response.status < 300,
      headers: response.headers,
      body,
      close: () => response.close(),
      readFailure: async () => {
        const chunks: Uint8Array[] = []
        let size = 0
        try {
          for await (const chunk of body) {
            chunks.push(chunk)
            if ((size += chunk.length) >= FAILURE_BYTES) break
          }
        } finally {
          response.close()
        }
        const read = Math.min(size, FAILURE_BYTES)
        return new BufferedResponse(request, response.status, response.headers, concatBytes(chunks, read))
      },
    }
  } catch (error) {
    throw await transportFailure(error, request, prepared?.signal ?? attempt?.signal, prepared?.timeoutMs ?? 0)
  }
}
