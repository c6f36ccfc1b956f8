import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { getResponse, type HttpHandler } from 'msw'
import type { EmulatedProvider, EmulatorContext } from './emulated-provider'
import { TRANSPORT_FAULTS, type Fault, type FaultBook } from './faults'
import type { FileStore } from './file-store'
import { describeBody, type RecordedRequest } from './request-log'

/** A provider mounted on the server. */
export interface Mount {
  readonly provider: EmulatedProvider
  readonly context: EmulatorContext
  readonly handlers: HttpHandler[]
}

interface ServerDeps {
  readonly faults: FaultBook
  readonly files: FileStore
  readonly log: RecordedRequest[]
  readonly now: () => number
  readonly signal: AbortSignal
  /** Largest request body accepted (bounds memory). */
  readonly maxBodyBytes: number
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const wake = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', wake)
      resolve()
    }
    const timer = setTimeout(wake, ms)
    signal.addEventListener('abort', wake, { once: true })
  })

/** Starts a loopback HTTP server that routes `/<provider>/…` to that provider's msw handlers. */
export async function listen(
  host: string,
  port: number,
): Promise<{ server: Server; origin: string; sockets: Set<Socket> }> {
  const server = createServer()
  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  return { server, origin: `http://${host}:${address.port}`, sockets }
}

/** The request handler: log, transport faults, msw handlers, response faults. */
export function createRequestListener(mounts: ReadonlyMap<string, Mount>, deps: ServerDeps) {
  return (incoming: IncomingMessage, outgoing: ServerResponse) => {
    deps.faults
      .arrive(() => handle(incoming, outgoing, mounts, deps))
      .catch((error: unknown) => {
        if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'application/json' })
        outgoing.end(
          JSON.stringify({ error: `emulator failure: ${error instanceof Error ? error.message : String(error)}` }),
        )
      })
  }
}

async function readBody(incoming: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length
    if (size > max) return undefined
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

async function handle(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  mounts: ReadonlyMap<string, Mount>,
  deps: ServerDeps,
): Promise<void> {
  const host = incoming.headers.host ?? '127.0.0.1'
  const url = new URL(incoming.url ?? '/', `http://${host}`)
  const [, first = ''] = url.pathname.split('/')
  const body = await readBody(incoming, deps.maxBodyBytes)
  if (body === undefined)
    return void outgoing
      .writeHead(413, { 'content-type': 'application/json' })
      .end('{"error":"request body too large"}')
  if (first === 'files') return serveFile(url, outgoing, deps)
  const mount = mounts.get(first)
  if (!mount)
    return void outgoing
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: `no emulated provider at /${first}` }))
  const path = url.pathname.slice(first.length + 1) || '/'
  const endpoint = mount.provider.endpointOf(incoming.method ?? 'GET', path)
  const headers = Object.fromEntries(
    Object.entries(incoming.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
  )
  const contentType = headers['content-type'] ?? ''
  deps.log.push({
    provider: mount.provider.id,
    endpoint,
    method: incoming.method ?? 'GET',
    url: url.href,
    path,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: body.toString('utf8'),
    ...(await describeBody(contentType, body, url.href)),
    at: deps.now(),
  })
  const id = mount.provider.id
  const fault = deps.faults.take([...TRANSPORT_FAULTS], id, endpoint)
  if (fault?.kind === 'latency') {
    await sleep(fault.delayMs ?? 200, deps.signal)
    // A client that gave up during the delay gets nothing done on its behalf (no job, no used-up fault).
    if (outgoing.destroyed || incoming.socket?.destroyed) return
  }
  if (fault?.kind === 'stall') return stall(outgoing, deps.signal)
  if (fault?.kind === 'rate_limit' || fault?.kind === 'server_error') return statusFault(fault, mount, outgoing)
  const method = incoming.method ?? 'GET'
  const request = new Request(url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body })
  const response = await getResponse(mount.handlers, request)
  if (!response) {
    const message = `${method} ${path} is not an endpoint of the ${id} API`
    return void outgoing
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify(mount.provider.errorBody(404, message)))
  }
  await writeResponse(response, outgoing, fault, deps.signal)
}

function statusFault(fault: Fault, mount: Mount, outgoing: ServerResponse): void {
  const status = fault.kind === 'rate_limit' ? 429 : (fault.status ?? 500)
  const message = fault.message ?? (status === 429 ? 'Rate limit exceeded' : 'Internal server error')
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (status === 429) headers['retry-after'] = String(fault.retryAfterSeconds ?? 1)
  outgoing.writeHead(status, headers).end(JSON.stringify(mount.provider.errorBody(status, message)))
}

function stall(outgoing: ServerResponse, signal: AbortSignal): Promise<void> {
  // Never answers; the socket is freed when the client gives up or the emulator closes.
  return new Promise((resolve) => {
    const finish = () => {
      outgoing.destroy()
      resolve()
    }
    if (signal.aborted) return finish()
    signal.addEventListener('abort', finish, { once: true })
    outgoing.on('close', resolve)
  })
}

async function writeResponse(
  response: Response,
  outgoing: ServerResponse,
  fault: Fault | undefined,
  signal: AbortSignal,
): Promise<void> {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => (headers[name] = value))
  if (headers['content-type']?.includes('text/event-stream') && response.body)
    return streamBody(response.body, headers, response.status, outgoing, signal, fault)
  let body = Buffer.from(await response.arrayBuffer())
  if (fault?.kind === 'malformed_json') body = Buffer.from('{"this is": not json')
  headers['content-length'] = String(body.length)
  outgoing.writeHead(response.status, headers)
  if (fault?.kind === 'truncated' || fault?.kind === 'reset') {
    // Half the promised body, then the connection goes away.
    outgoing.write(body.subarray(0, Math.floor(body.length / 2)))
    setTimeout(() => (fault.kind === 'reset' ? outgoing.socket?.resetAndDestroy() : outgoing.socket?.destroy()), 5)
    return
  }
  outgoing.end(body)
}

async function streamBody(
  body: ReadableStream<Uint8Array>,
  headers: Record<string, string>,
  status: number,
  outgoing: ServerResponse,
  signal: AbortSignal,
  fault?: Fault,
): Promise<void> {
  outgoing.writeHead(status, { ...headers, 'cache-control': 'no-cache', connection: 'keep-alive' })
  outgoing.flushHeaders()
  const reader = body.getReader()
  const stop = () => void reader.cancel().catch(() => undefined)
  const cut = fault?.kind === 'reset' || fault?.kind === 'truncated'
  signal.addEventListener('abort', stop, { once: true })
  outgoing.on('close', stop)
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done || outgoing.destroyed) break
      outgoing.write(value)
      // reset / truncated: the stream is cut after its first event, as a dropped connection leaves it.
      if (cut) break
    }
  } catch {
    // The client went away or the emulator closed.
  } finally {
    signal.removeEventListener('abort', stop)
    if (!cut) outgoing.end()
    else {
      stop()
      setTimeout(() => (fault!.kind === 'reset' ? outgoing.socket?.resetAndDestroy() : outgoing.socket?.destroy()), 5)
    }
  }
}

function serveFile(url: URL, outgoing: ServerResponse, deps: ServerDeps): void {
  const id = url.pathname.slice('/files/'.length)
  const file = deps.files.get(id)
  const provider = file?.provider ?? 'files'
  const fault = deps.faults.take(['rate_limit', 'server_error'], provider, 'download')
  if (fault) {
    const status = fault.kind === 'rate_limit' ? 429 : (fault.status ?? 500)
    return void outgoing
      .writeHead(status, {
        'content-type': 'text/plain',
        ...(status === 429 ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) } : {}),
      })
      .end('Try again')
  }
  if (!file || deps.faults.take('image_404', provider, 'download')) {
    return void outgoing.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')
  }
  if (deps.faults.take('image_too_large', provider, 'download')) {
    // An answer far beyond any sane download limit, sent in chunks until the client hangs up.
    outgoing.writeHead(200, { 'content-type': file.mediaType, 'content-length': String(2 ** 31) })
    const chunk = Buffer.alloc(1 << 20)
    let sent = 0
    const pump = () => {
      while (sent < 2 ** 31 && !outgoing.destroyed && !deps.signal.aborted) {
        sent += chunk.length
        if (!outgoing.write(chunk)) return void outgoing.once('drain', pump)
      }
      outgoing.destroy()
    }
    return pump()
  }
  outgoing
    .writeHead(200, { 'content-type': file.mediaType, 'content-length': String(file.bytes.length) })
    .end(file.bytes)
}
