// Byte helpers that need no Node built-in: edge runtimes and browsers have no Buffer.

interface BufferLike {
  isBuffer(value: unknown): boolean
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): Uint8Array
}

/**
 * The same bytes as the runtime's `Buffer` where there is one (Node, Bun,
 * Deno), without copying, so code written for Buffers keeps working there;
 * elsewhere the plain Uint8Array.
 */
export function asBytes(bytes: Uint8Array): Uint8Array {
  const buffer = (globalThis as { Buffer?: BufferLike }).Buffer
  if (!buffer || buffer.isBuffer(bytes)) return bytes
  return buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Chunks joined into one array of `size` bytes (the first `size` bytes when they hold more). */
export function concatBytes(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]!.length === size) return chunks[0]!
  const joined = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    if (offset >= size) break
    joined.set(chunk.subarray(0, size - offset), offset)
    offset += chunk.length
  }
  return joined
}

const decoder = new TextDecoder()

/** Bytes read as UTF-8 (malformed sequences become U+FFFD, as Buffer's toString does). */
export function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

interface Base64Buffer {
  from(text: string, encoding: 'base64'): Uint8Array
}

export function nodeBuffer(): Base64Buffer | undefined {
  return (globalThis as { Buffer?: Base64Buffer }).Buffer
}

/** Base64 (standard or URL-safe alphabet, characters outside it skipped, as Buffer does) decoded to bytes. */
export function fromBase64(text: string): Uint8Array {
  const buffer = nodeBuffer()
  if (buffer) return buffer.from(text, 'base64')
  const clean = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .replace(/[^A-Za-z0-9+/]/g, '')
  const binary = atob(clean.length % 4 === 1 ? clean.slice(0, -1) : clean)
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return bytes
}
