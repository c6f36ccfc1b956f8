import type { Dispatcher } from 'undici'
import { flattenHeaders } from './buffered-response'
import type { TransportStream } from './transport'

/** `UndiciTransport.stream`'s request, loaded with the first stream: the body as it arrives. */
export async function openUndiciStream(
  dispatcher: Dispatcher,
  options: Dispatcher.RequestOptions,
): Promise<TransportStream> {
  const response = await dispatcher.request(options)
  const body = response.body
  return {
    status: response.statusCode,
    headers: flattenHeaders(response.headers),
    body: body as AsyncIterable<Uint8Array>,
    close: () => {
      // An unread body errors when destroyed; nobody is listening any more, so swallow it.
      body.on('error', () => undefined)
      body.destroy()
    },
  }
}
