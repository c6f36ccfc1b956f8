import type { AttemptSettings } from './http-client'
import { transportFailure } from './http-failure'
import type { HttpRequest, HttpStreamResponse } from './http-types'
import type { Transport, TransportRequest } from './transport'

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
    const body = response.body
    return {
      status: response.status,
      ok: response.status >= 200 && response.status < 300,
      headers: response.headers,
      body: (async function* () {
        try {
          for await (const chunk of body) yield chunk
        } catch (error) {
          throw await transportFailure(error, request, signal, timeoutMs)
        }
      })(),
      close: () => response.close(),
    }
  } catch (error) {
    throw await transportFailure(error, request, prepared?.signal ?? attempt?.signal, prepared?.timeoutMs ?? 0)
  }
}
