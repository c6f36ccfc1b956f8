import { describe, expect, it } from 'vitest'
import { LLMKitError } from '../errors/llmkit-error'
import { ImageSize, parseAspectRatio } from './image-size'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return LLMKitError.isInstance(error) ? error.code : 'not an LLMKitError'
  }
  return undefined
}

describe('ImageSize', () => {
  it('has the five documented sizes with their dimensions, smallest first', () => {
    expect(ImageSize.values.map((size) => [size.name, size.width, size.height])).toEqual([
      ['Square256', 256, 256],
      ['Square512', 512, 512],
      ['Square1024', 1024, 1024],
      ['Portrait1024x1792', 1024, 1792],
      ['Landscape1792x1024', 1792, 1024],
    ])
    expect(Object.isFrozen(ImageSize.Square1024)).toBe(true)
  })

  it('makes custom sizes and reuses the static member for a documented one', () => {
    const custom = ImageSize.custom(640, 480)
    expect([custom.width, custom.height, custom.name]).toEqual([640, 480, undefined])
    expect(custom.toString()).toBe('640x480')
    expect(JSON.stringify({ size: custom })).toBe('{"size":"640x480"}')
    expect(ImageSize.custom(1792, 1024)).toBe(ImageSize.Landscape1792x1024)
  })

  it.each([
    [15, 512],
    [512, 8193],
    [512.5, 512],
    [Number.NaN, 512],
  ])('rejects custom(%s, %s)', (width, height) => {
    expect(codeOf(() => ImageSize.custom(width, height))).toBe('invalid_request')
  })

  it('parses WIDTHxHEIGHT, the three words and the documented names', () => {
    expect(ImageSize.parse('1792x1024')).toBe(ImageSize.Landscape1792x1024)
    expect(ImageSize.parse(' 640 X 480 ').toString()).toBe('640x480')
    expect(ImageSize.parse('landscape')).toBe(ImageSize.Landscape1792x1024)
    expect(ImageSize.parse('Portrait')).toBe(ImageSize.Portrait1024x1792)
    expect(ImageSize.parse('square')).toBe(ImageSize.Square1024)
    expect(ImageSize.parse('Square512')).toBe(ImageSize.Square512)
    expect(ImageSize.parse('square256')).toBe(ImageSize.Square256)
  })

  it.each(['big', '1024', '1024x', 'x1024', '-5x10', '1e3x1000'])('rejects parse(%j) with what to write', (text) => {
    expect(codeOf(() => ImageSize.parse(text))).toBe('invalid_request')
  })

  it('says what to write when a size cannot be read', () => {
    expect(() => ImageSize.parse('big')).toThrow(
      'Cannot read size "big": write WIDTHxHEIGHT (for example 1792x1024) or one of square, portrait, landscape',
    )
  })

  it('reduces the aspect ratio', () => {
    expect(ImageSize.Landscape1792x1024.aspectRatio).toBe('7:4')
    expect(ImageSize.Portrait1024x1792.aspectRatio).toBe('4:7')
    expect(ImageSize.Square512.aspectRatio).toBe('1:1')
    expect(ImageSize.custom(1920, 1080).aspectRatio).toBe('16:9')
    expect(ImageSize.Landscape1792x1024.ratio).toBe(1.75)
  })

  it('compares by dimensions', () => {
    expect(ImageSize.Square1024.equals({ width: 1024, height: 1024 })).toBe(true)
    expect(ImageSize.Square1024.equals({ width: 1024, height: 1000 })).toBe(false)
  })
})

describe('parseAspectRatio', () => {
  it('reads ratios and refuses malformed ones', () => {
    expect(parseAspectRatio('16:9')).toBeCloseTo(16 / 9, 10)
    expect(parseAspectRatio(' 2.39:1 ')).toBeCloseTo(2.39, 10)
    expect(parseAspectRatio('16x9')).toBeUndefined()
    expect(parseAspectRatio('0:9')).toBeUndefined()
    expect(parseAspectRatio('9:0')).toBeUndefined()
  })
})
