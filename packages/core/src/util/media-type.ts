import { fromBase64, utf8 } from './bytes'

const SIGNATURES: readonly [string, readonly number[]][] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
  ['image/webp', [0x52, 0x49, 0x46, 0x46]],
]

/** Guesses an image's media type from its first bytes (PNG, JPEG, GIF, WebP, SVG). */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  for (const [type, signature] of SIGNATURES) {
    if (signature.every((byte, index) => bytes[index] === byte)) return type
  }
  const head = utf8(bytes.subarray(0, 256)).trimStart().toLowerCase()
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'image/svg+xml'
  return undefined
}

/** Guesses the media type of base64 data from its first bytes. */
export function sniffBase64MediaType(b64: string): string | undefined {
  return sniffMediaType(fromBase64(b64.slice(0, 344)))
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
}

/** File extension (without dot) for a media type; `png` when unknown. */
export function extensionFor(mediaType: string | undefined): string {
  return (mediaType && EXTENSIONS[mediaType.split(';')[0]!.trim()]) || 'png'
}

/** Decoded byte length of base64 text, without decoding it. */
export function base64ByteLength(b64: string): number {
  const length = b64.length
  if (length === 0) return 0
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0
  return Math.floor((length * 3) / 4) - padding
}
