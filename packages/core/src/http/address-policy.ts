import { LLMKitError } from '../errors/llmkit-error'
import { inPrefix, ipFamily, ipv4Bytes, ipv6Bytes, parseIPv4, parseIPv6 } from './ip-address'

// Addresses a download from a provider answer must never reach unless allowed:
// private, loopback, link-local (cloud metadata lives there), unspecified,
// carrier-grade NAT, benchmark, multicast and reserved ranges.
const REFUSED_V4: readonly (readonly [string, number])[] = [
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
]
const REFUSED_V6: readonly (readonly [string, number])[] = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
]
type Network = readonly [bytes: number[], prefix: number]
// Parsed on first use: an app that never downloads never needs them (and a bundler can leave this file out).
let networks: { readonly v4: readonly Network[]; readonly v6: readonly Network[] } | undefined
const refused = () =>
  (networks ??= {
    v4: REFUSED_V4.map(([network, prefix]) => [ipv4Bytes(parseIPv4(network)!), prefix] as const),
    v6: REFUSED_V6.map(([network, prefix]) => [ipv6Bytes(parseIPv6(network)!), prefix] as const),
  })
// IPv6 forms that carry an IPv4 address: mapped ::ffff:a.b.c.d, its ::ffff:0:a.b.c.d variant, NAT64 64:ff9b::a.b.c.d.
const EMBEDDING_V4 = [
  [0, 0, 0, 0, 0, 0xffff],
  [0, 0, 0, 0, 0xffff, 0],
  [0x64, 0xff9b, 0, 0, 0, 0],
]

function isRefusedV4(value: number): boolean {
  const bytes = ipv4Bytes(value)
  return refused().v4.some(([network, prefix]) => inPrefix(bytes, network, prefix))
}

/** True for an address on the public internet; false for private, loopback, link-local, metadata and the like. */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') ? address.slice(1, -1) : address
  const v4 = parseIPv4(bare)
  if (v4 !== undefined) return !isRefusedV4(v4)
  const groups = parseIPv6(bare)
  if (!groups) return false
  if (EMBEDDING_V4.some((prefix) => prefix.every((group, index) => groups[index] === group)))
    return !isRefusedV4(groups[6]! * 65536 + groups[7]!)
  const bytes = ipv6Bytes(groups)
  return !refused().v6.some(([network, prefix]) => inPrefix(bytes, network, prefix))
}

/** True when `host` (brackets removed) is a literal IPv4 or IPv6 address rather than a name. */
export function isIpLiteral(host: string): boolean {
  return ipFamily(host) !== 0
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
