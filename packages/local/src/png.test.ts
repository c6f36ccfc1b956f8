import { describe, expect, it } from 'vitest'
import { crc32, encodePng } from './png'
import { decodePng } from './test-utils/decode-png'

function pattern(width: number, height: number): Uint8Array {
  const pixels = new Uint8Array(width * height * 3)
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + (i >> 7)) & 255
  return pixels
}

describe('encodePng', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082)
  })

  it('writes signature, IHDR, IDAT and IEND that decode back to the same pixels', () => {
    const pixels = pattern(37, 23)
    const png = encodePng(pixels, 37, 23)
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    const decoded = decodePng(png)
    expect(decoded.chunkTypes).toEqual(['IHDR', 'IDAT', 'IEND'])
    expect([decoded.width, decoded.height]).toEqual([37, 23])
    expect(decoded.pixels).toEqual(pixels)
  })

  it('uses Sub on the first row and picks Up where rows repeat', () => {
    const width = 16
    const pixels = new Uint8Array(width * 4 * 3)
    for (let y = 0; y < 4; y++) for (let x = 0; x < width * 3; x++) pixels[y * width * 3 + x] = (x * 47) & 255
    const decoded = decodePng(encodePng(pixels, width, 4))
    expect(decoded.filters).toEqual([1, 2, 2, 2])
    expect(decoded.pixels).toEqual(pixels)
  })

  it('accepts a Uint8ClampedArray and is deterministic', () => {
    const clamped = new Uint8ClampedArray(pattern(8, 8))
    expect(encodePng(clamped, 8, 8).equals(encodePng(pattern(8, 8), 8, 8))).toBe(true)
  })

  it('rejects a buffer of the wrong length and bad sizes', () => {
    expect(() => encodePng(new Uint8Array(10), 2, 2)).toThrow(/expected 12 bytes/)
    expect(() => encodePng(new Uint8Array(0), 0, 0)).toThrow(/positive whole numbers/)
  })
})
