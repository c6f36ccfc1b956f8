import type { Dispatcher } from 'undici'
import { dispatchBuffered } from './buffered-dispatch'
import { proxyOrError } from './http-failure'
import type { PoolOptions, Transport, TransportRequest, TransportResponse, TransportStream } from './transport'
import { Agent, EnvHttpProxyAgent, ProxyAgent } from './undici-parts'

/**
 * undici's dispatcher: a keep-alive pool, proxies (per client, per request or
 * from the environment) and, for downloads, a connector that checks the
 * address actually connected to.
 */
export class UndiciTransport implements Transport {
  readonly name = 'undici'
  private readonly dispatcher: Dispatcher
  private readonly isProxied: boolean
  private publicAgent: Agent | undefined = undefined
  private readonly proxies = new Map<string, ProxyAgent>()

  constructor(options: PoolOptions) {
    const { env } = options
    const connections = options.connections ?? 64
    const envProxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy
    this.isProxied = Boolean(options.proxy || envProxy)
    if (options.proxy) this.dispatcher = proxyOrError(() => new ProxyAgent({ uri: options.proxy!, connections }))
    else if (envProxy) {
      this.dispatcher = proxyOrError(
        () =>
          new EnvHttpProxyAgent({
            httpProxy: env.HTTP_PROXY ?? env.http_proxy,
            httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
            noProxy: env.NO_PROXY ?? env.no_proxy,
            connections,
          }),
      )
    } else this.dispatcher = new Agent({ connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000 })
  }

  send(request: TransportRequest, maxBytes: number, tooLarge: () => Error): Promise<TransportResponse> {
    // Not `instanceof FormData`: Node defines that global lazily, and reading it loads Node's own copy
    // of undici (~15 ms) into every process.
    if (Object.prototype.toString.call(request.body) === '[object FormData]')
      // Loaded with the first multipart body: only some providers' calls send one.
      return import('./multipart-body')
        .then(({ encodeMultipart }) => encodeMultipart(request))
        .then((encoded) => this.send(encoded, maxBytes, tooLarge))
    const send = (dispatcher: Dispatcher) =>
      dispatchBuffered(dispatcher, this.options(request), request.signal, maxBytes, tooLarge)
    if (request.publicAddressesOnly) return this.publicDispatcher(request.url, request.proxy).then(send)
    return send(this.dispatcherFor(request.proxy))
  }

  async stream(request: TransportRequest & { readonly signal: AbortSignal | undefined }): Promise<TransportStream> {
    // Loaded with the first stream: most apps never open one.
    const { openUndiciStream } = await import('./undici-stream')
    return openUndiciStream(this.dispatcherFor(request.proxy), {
      ...this.options(request),
      signal: request.signal,
      bodyTimeout: 0,
    })
  }

  async close(): Promise<void> {
    await Promise.all([
      this.dispatcher.close(),
      this.publicAgent?.close(),
      ...[...this.proxies.values()].map((agent) => agent.close()),
    ])
  }

  private options(request: TransportRequest) {
    const { url, timeoutMs } = request
    return {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body as Dispatcher.DispatchOptions['body'],
      // The attempt's limit applies to waiting for headers and to any silence in the body.
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    }
  }

  private dispatcherFor(proxy: string | undefined): Dispatcher {
    return proxy ? this.proxyAgent(proxy) : this.dispatcher
  }

  /**
   * The dispatcher for a request that may reach public addresses only. Direct
   * connections check the address connected to (after DNS); through a proxy,
   * which connects for us, the name is resolved here and checked first.
   */
  private async publicDispatcher(url: URL, proxy: string | undefined): Promise<Dispatcher> {
    // Loaded with the first download: an app that asks for base64 never needs it.
    const { assertPublicHost, publicOnlyConnector } = await import('./node-address-check')
    if (proxy || this.isProxied) {
      await assertPublicHost(url.hostname)
      return this.dispatcherFor(proxy)
    }
    this.publicAgent ??= new Agent({ connect: publicOnlyConnector(), keepAliveTimeout: 10_000 })
    return this.publicAgent
  }

  private proxyAgent(proxy: string): Dispatcher {
    let agent = this.proxies.get(proxy)
    if (!agent) {
      agent = proxyOrError(() => new ProxyAgent({ uri: proxy }))
      this.proxies.set(proxy, agent)
    }
    return agent
  }
}

/**
 * Whether to send with undici's dispatcher: everywhere but Bun, which answers `import 'undici'`
 * with its own partial module. Core imports undici's files directly (see undici-parts.ts), which
 * would load there too, but Bun supports its own substitute, not undici: Bun uses the fetch transport.
 */
export function isUndiciUsable(): boolean {
  return (globalThis as { Bun?: unknown }).Bun === undefined
}
