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

const decoder = new TextDecoder()

/** Bytes read as UTF-8 (malformed sequences become U+FFFD, as Buffer's toString does). */
export function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}
