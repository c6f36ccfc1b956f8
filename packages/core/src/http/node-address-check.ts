/// <reference path="./undici-lib.d.ts" />
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns'
import type { buildConnector as BuildConnector } from 'undici'
import connectorBuilder from 'undici/lib/core/connect.js'
import { LLMKitError } from '../errors/llmkit-error'
import { isIpLiteral, isPublicAddress, refusedAddressError } from './address-policy'

// Node only: the address policy at DNS lookup and at connect, for undici's connector and the fetch transport.

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/** `dns.lookup` that fails when any address the name resolves to is not public, so a rebinding name gets no socket. */
function publicOnlyLookup(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback) {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '')
    const refused = addresses.find((entry) => !isPublicAddress(entry.address))
    if (refused) return callback(refusedAddressError(hostname, refused.address) as never, '')
    if ((options as LookupAllOptions).all) return callback(null, addresses)
    const first = addresses[0]
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '')
    callback(null, first.address, first.family)
  })
}

// undici's `buildConnector`, from its own file (see undici-parts.ts).
const buildConnector = connectorBuilder as typeof BuildConnector

/**
 * An undici connector that only opens sockets to public addresses: literal
 * addresses are checked before connecting, names at lookup (the address that is
 * then connected to is one that passed the check).
 */
export function publicOnlyConnector(): BuildConnector.connector {
  const connect = buildConnector({ lookup: publicOnlyLookup } as BuildConnector.BuildOptions)
  return (options, callback) => {
    const hostname = options.hostname.startsWith('[') ? options.hostname.slice(1, -1) : options.hostname
    if (isIpLiteral(hostname) && !isPublicAddress(hostname)) {
      callback(refusedAddressError(hostname, hostname), null)
      return undefined as never
    }
    return connect(options, callback)
  }
}

/** Resolves a name and checks every address (for proxied downloads, where the proxy connects for us). */
export async function assertPublicHost(hostname: string): Promise<void> {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname
  if (isIpLiteral(bare)) {
    if (!isPublicAddress(bare)) throw refusedAddressError(bare, bare)
    return
  }
  await new Promise<void>((resolve, reject) =>
    publicOnlyLookup(bare, { all: true }, (error) =>
      // A name the local resolver cannot find is the proxy's to resolve; a refused one stops here.
      LLMKitError.isInstance(error) ? reject(error) : resolve(),
    ),
  )
}
