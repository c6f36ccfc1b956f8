import type { HttpRequest } from './http-types'

/** The body to send; sets its content type in `headers`. */
export function encodeBody(
  request: HttpRequest,
  headers: Record<string, string>,
): string | Uint8Array | FormData | undefined {
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json'
    return JSON.stringify(request.json)
  }
  if (request.form) {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(request.form)) if (value !== undefined) params.append(key, String(value))
    headers['content-type'] = 'application/x-www-form-urlencoded'
    return params.toString()
  }
  if (request.multipart) {
    // The runtime's FormData (the undici transport converts it); it sets its own content type.
    const form = new FormData()
    for (const [key, value] of Object.entries(request.multipart)) {
      if (value === undefined) continue
      if (value instanceof Blob) form.append(key, value)
      else form.append(key, String(value))
    }
    return form
  }
  return request.body
}

/** The request's method: as given, else GET, or POST when there is a body. */
export function methodOf(request: HttpRequest, body: unknown): NonNullable<HttpRequest['method']> {
  return request.method ?? (body === undefined ? 'GET' : 'POST')
}
