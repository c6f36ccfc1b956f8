// Literal IP addresses parsed without node:net, so the download policy holds on every runtime.

/** Four decimal parts from 0 to 255, without leading zeros. */
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)){3}$/

/** The 32-bit value of a dotted-decimal IPv4 address (as Node's `isIP` accepts it), or undefined. */
export function parseIPv4(text: string): number | undefined {
  if (!IPV4.test(text)) return undefined
  return text.split('.').reduce((value, part) => value * 256 + Number(part), 0)
}

/** The eight 16-bit groups of an IPv6 address (a zone id after `%` ignored), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  const zone = text.indexOf('%')
  const bare = zone === -1 ? text : text.slice(0, zone)
  if (zone !== -1 && zone === text.length - 1) return undefined
  const halves = bare.split('::')
  if (halves.length > 2) return undefined
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return []
    const groups: number[] = []
    const pieces = part.split(':')
    for (const [index, piece] of pieces.entries()) {
      if (index === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece)
        if (v4 === undefined) return undefined
        groups.push(Math.floor(v4 / 65536), v4 % 65536)
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) groups.push(parseInt(piece, 16))
      else return undefined
    }
    return groups
  }
  const head = groupsOf(halves[0]!)
  if (!head) return undefined
  if (halves.length === 1) return head.length === 8 ? head : undefined
  // A dotted tail belongs to the last half only.
  if (halves[0]!.includes('.')) return undefined
  const tail = groupsOf(halves[1]!)
  if (!tail || head.length + tail.length > 7) return undefined
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
}

/** 4 for an IPv4 literal, 6 for an IPv6 one, 0 for anything else (as Node's `net.isIP`). */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (parseIPv4(text) !== undefined) return 4
  return parseIPv6(text) ? 6 : 0
}

/** True when the first `prefix` bits of `address` (big-endian bytes) equal those of `network`. */
export function inPrefix(address: readonly number[], network: readonly number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const take = Math.min(8, prefix - bit)
    const mask = (0xff << (8 - take)) & 0xff
    if (((address[bit / 8] ?? 0) & mask) !== ((network[bit / 8] ?? 0) & mask)) return false
  }
  return true
}

/** The 4 bytes of an IPv4 value. */
export function ipv4Bytes(value: number): number[] {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]
}

/** The 16 bytes of IPv6 groups. */
export function ipv6Bytes(groups: readonly number[]): number[] {
  return groups.flatMap((group) => [group >> 8, group & 0xff])
}
