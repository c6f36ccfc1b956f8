import { asBytes, nodeBuffer } from './bytes'

// Encoders only downloads need (./bytes.ts has what every call does).

const encoder = new TextEncoder()

/** Text as UTF-8 bytes. */
export function utf8Bytes(text: string): Uint8Array {
  return asBytes(encoder.encode(text))
}

/** Bytes as standard base64. */
export function toBase64(bytes: Uint8Array): string {
  if (nodeBuffer()) return (asBytes(bytes) as Uint8Array & { toString(encoding: 'base64'): string }).toString('base64')
  let binary = ''
  for (let index = 0; index < bytes.length; index += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000))
  return btoa(binary)
}
