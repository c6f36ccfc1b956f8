import { inflateSync } from 'node:zlib'
import { crc32 } from '../png'

/** A decoded 8-bit RGB PNG, for tests: checks the signature and every chunk's CRC, then undoes the row filters. */
export interface DecodedPng {
  width: number
  height: number
  chunkTypes: string[]
  filters: number[]
  pixels: Uint8Array
}

const SIGNATURE = '89504e470d0a1a0a'

export function decodePng(png: Uint8Array): DecodedPng {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  if (bytes.subarray(0, 8).toString('hex') !== SIGNATURE) throw new Error('not a PNG signature')
  const chunkTypes: string[] = []
  const idat: Buffer[] = []
  let header: Buffer | undefined
  for (let offset = 8; offset < bytes.length;) {
    const length = bytes.readUInt32BE(offset)
    const type = bytes.toString('latin1', offset + 4, offset + 8)
    const data = bytes.subarray(offset + 8, offset + 8 + length)
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== bytes.readUInt32BE(offset + 8 + length))
      throw new Error(`bad CRC in ${type}`)
    chunkTypes.push(type)
    if (type === 'IHDR') header = data
    if (type === 'IDAT') idat.push(data)
    offset += 12 + length
  }
  if (!header) throw new Error('no IHDR')
  const width = header.readUInt32BE(0)
  const height = header.readUInt32BE(4)
  if (header[8] !== 8 || header[9] !== 2) throw new Error('not 8-bit RGB')
  const raw = inflateSync(Buffer.concat(idat))
  if (raw.length !== (width * 3 + 1) * height)
    throw new Error(`IDAT inflates to ${raw.length} bytes, expected ${(width * 3 + 1) * height}`)
  return { width, height, chunkTypes, ...unfilter(raw, width, height) }
}

function unfilter(raw: Buffer, width: number, height: number): { filters: number[]; pixels: Uint8Array } {
  const stride = width * 3
  const pixels = new Uint8Array(stride * height)
  const filters: number[] = []
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    filters.push(filter)
    for (let x = 0; x < stride; x++) {
      const a = x >= 3 ? pixels[y * stride + x - 3]! : 0
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0
      const c = x >= 3 && y > 0 ? pixels[(y - 1) * stride + x - 3]! : 0
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter]
      if (predictor === undefined) throw new Error(`unknown filter ${filter} on row ${y}`)
      pixels[y * stride + x] = raw[y * (stride + 1) + 1 + x]! + predictor
    }
  }
  return { filters, pixels }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)]
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}
