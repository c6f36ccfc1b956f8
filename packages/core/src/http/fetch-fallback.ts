import type { FetchTransportOptions } from './fetch-transport'
import type { Transport } from './transport'

/**
 * The fetch transport, loaded on first use: Node sends through undici, so an app
 * bundled for Node keeps the fetch code in a chunk it loads only on Bun, an edge
 * runtime or in a browser (or with `transport: 'fetch'`).
 */
export function fetchFallback(options: FetchTransportOptions): Transport {
  let loaded: Promise<Transport> | undefined
  const transport = () =>
    (loaded ??= import('./fetch-transport').then(({ FetchTransport }) => new FetchTransport(options)))
  return {
    name: 'fetch',
    send: async (request, maxBytes, tooLarge) => (await transport()).send(request, maxBytes, tooLarge),
    stream: async (request) => (await transport()).stream(request),
    close: async () => (await transport()).close(),
  }
}
