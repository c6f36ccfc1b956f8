import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns'
import { BlockList, isIP } from 'node:net'
import { buildConnector } from 'undici'
import { LLMKitError } from '../errors/llmkit-error'

// Addresses a download from a provider answer must never reach unless allowed:
// private, loopback, link-local (cloud metadata lives there), unspecified,
// carrier-grade NAT, benchmark, multicast and reserved ranges.
const REFUSED = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  REFUSED.addSubnet(network, prefix, 'ipv4')
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  REFUSED.addSubnet(network, prefix, 'ipv6')

/** IPv6 forms that carry an IPv4 address (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`): the IPv4 inside. */
function embeddedIPv4(address: string): string | undefined {
  const match = /^(?:::ffff:(?:0:)?|64:ff9b::)(.+)$/i.exec(address)
  if (!match) return undefined
  const tail = match[1]!
  if (isIP(tail) === 4) return tail
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail)
  if (!hex) return undefined
  const high = parseInt(hex[1]!, 16)
  const low = parseInt(hex[2]!, 16)
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`
}

/** True for an address on the public internet; false for private, loopback, link-local, metadata and the like. */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') ? address.slice(1, -1) : address
  const family = isIP(bare)
  if (family === 0) return false
  if (family === 6) {
    const inner = embeddedIPv4(bare)
    if (inner) return !REFUSED.check(inner, 'ipv4')
    return !REFUSED.check(bare, 'ipv6')
  }
  return !REFUSED.check(bare, 'ipv4')
}

/** The error for a download that would reach a refused address. Not retryable: the answer will not change. */
export function refusedAddressError(host: string, address: string): LLMKitError {
  const where = host === address ? address : `${host} (${address})`
  return new LLMKitError({
    code: 'provider_error',
    isRetryable: false,
    message: `Refused to download an image from ${where}: a private, loopback, link-local or metadata address. If you trust it, allow it with the client option downloads: { allowHosts: ['${host}'] } (or allowPrivateNetwork: true)`,
  })
}

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

/**
 * An undici connector that only opens sockets to public addresses: literal
 * addresses are checked before connecting, names at lookup (the address that is
 * then connected to is one that passed the check).
 */
export function publicOnlyConnector(): buildConnector.connector {
  const connect = buildConnector({ lookup: publicOnlyLookup } as buildConnector.BuildOptions)
  return (options, callback) => {
    const hostname = options.hostname.startsWith('[') ? options.hostname.slice(1, -1) : options.hostname
    if (isIP(hostname) !== 0 && !isPublicAddress(hostname)) {
      callback(refusedAddressError(hostname, hostname), null)
      return undefined as never
    }
    return connect(options, callback)
  }
}

/** Resolves a name and checks every address (for proxied downloads, where the proxy connects for us). */
export async function assertPublicHost(hostname: string): Promise<void> {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname
  if (isIP(bare) !== 0) {
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
