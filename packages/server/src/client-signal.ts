import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { Context } from 'hono'

const bySocket = new WeakMap<Socket, AbortSignal>()

/**
 * Aborted when the client's connection closes, the only way an HTTP/1.1 client
 * cancels a request. One signal per connection, not per request: making an
 * AbortController costs several µs, and a keep-alive client sends its requests
 * one after another on one connection. Outside Node's server (`gateway.fetch`),
 * the request's own signal.
 */
export function clientSignal(c: Context): AbortSignal {
  const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket
  if (!socket) return c.req.raw.signal
  let signal = bySocket.get(socket)
  if (!signal) {
    const controller = new AbortController()
    socket.once('close', () => controller.abort(new DOMException('The client closed the connection', 'AbortError')))
    signal = controller.signal
    bySocket.set(socket, signal)
  }
  return signal
}
