import type { TransportRequest } from './transport'

/**
 * A multipart body as bytes and its content type, encoded by the runtime's own `Response`:
 * undici's dispatcher takes only undici's FormData, whose module loads most of undici's fetch.
 */
export async function encodeMultipart(request: TransportRequest): Promise<TransportRequest> {
  const encoded = new Response(request.body as FormData)
  const body = new Uint8Array(await encoded.arrayBuffer())
  return { ...request, body, headers: { ...request.headers, 'content-type': encoded.headers.get('content-type')! } }
}
