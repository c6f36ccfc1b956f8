import { describe, expect, it } from 'vitest'
import { LLMKitError } from '../errors/llmkit-error'
import type { ImageModelInfo, ModelSizes } from '../provider/image-model-info'
import { ImageSize } from './image-size'
import { resolveSize } from './resolve-size'

function model(id: string, sizes: ModelSizes, extra: Partial<ImageModelInfo> = {}): ImageModelInfo {
  return { id, maxImagesPerCall: 1, sizes, supports: { formats: ['url'] }, ...extra }
}

const dalle = model('dall-e-3', {
  sizes: [
    { width: 1024, height: 1024 },
    { width: 1792, height: 1024 },
    { width: 1024, height: 1792 },
  ],
})
const ratios = model('ratio-model', { aspectRatios: ['1:1', '16:9', '9:16', '3:2', '2:3'] })
const flux = model('flux', { range: { min: 256, max: 1440, multipleOf: 32 } })

describe('resolveSize with an exact list', () => {
  it('keeps an accepted size without a warning', () => {
    expect(resolveSize(dalle, ImageSize.Landscape1792x1024)).toEqual({ width: 1792, height: 1024, aspectRatio: '7:4' })
  })

  it('uses the model default without a warning when no size is asked for', () => {
    expect(resolveSize(dalle)).toEqual({ width: 1024, height: 1024, aspectRatio: '1:1' })
    const wide = model('wide-default', dalle.sizes, { defaultSize: { width: 1792, height: 1024 } })
    expect(resolveSize(wide)).toEqual({ width: 1792, height: 1024, aspectRatio: '7:4' })
  })

  it('snaps to the nearest accepted size and names what is supported', () => {
    expect(resolveSize(dalle, ImageSize.Square512)).toEqual({
      width: 1024,
      height: 1024,
      aspectRatio: '1:1',
      warning: 'dall-e-3 does not support 512x512; using 1024x1024 (supported: 1024x1024, 1792x1024, 1024x1792)',
    })
  })

  it('snaps by shape first: a tall custom size goes to the portrait size', () => {
    const resolved = resolveSize(dalle, ImageSize.custom(600, 1000))
    expect([resolved.width, resolved.height]).toEqual([1024, 1792])
    expect(resolved.warning).toContain('600x1000')
  })

  it('derives a size from an aspect ratio and snaps it', () => {
    expect(resolveSize(dalle, undefined, '16:9')).toEqual({
      width: 1792,
      height: 1024,
      aspectRatio: '7:4',
      warning:
        'dall-e-3 does not support aspect ratio 16:9; using 1792x1024 (supported: 1024x1024, 1792x1024, 1024x1792)',
    })
  })

  it('rejects instead of snapping under the strict policy', () => {
    const strict = { ...dalle, sizePolicy: 'strict' as const }
    let caught: unknown
    try {
      resolveSize(strict, ImageSize.Square256)
    } catch (error) {
      caught = error
    }
    expect(LLMKitError.isInstance(caught) && caught.code).toBe('invalid_request')
    expect((caught as LLMKitError).message).toBe(
      'dall-e-3 does not support 256x256; it supports 1024x1024, 1792x1024, 1024x1792',
    )
    expect(resolveSize(strict, ImageSize.Square1024).warning).toBeUndefined()
  })
})

describe('resolveSize with aspect ratios', () => {
  it('keeps an accepted ratio', () => {
    expect(resolveSize(ratios, undefined, '16:9')).toEqual({ width: 1365, height: 768, aspectRatio: '16:9' })
  })

  it('uses 1:1 by default without a warning', () => {
    expect(resolveSize(ratios)).toEqual({ width: 1024, height: 1024, aspectRatio: '1:1' })
  })

  it('maps a size to the nearest ratio at the same area, with a warning', () => {
    expect(resolveSize(ratios, ImageSize.Landscape1792x1024)).toEqual({
      width: 1806,
      height: 1016,
      aspectRatio: '16:9',
      warning:
        'ratio-model does not support 1792x1024; using aspect ratio 16:9 (supported: aspect ratios 1:1, 16:9, 9:16, 3:2, 2:3)',
    })
  })

  it('snaps an unlisted ratio', () => {
    const resolved = resolveSize(ratios, undefined, '21:9')
    expect(resolved.aspectRatio).toBe('16:9')
    expect(resolved.warning).toBe(
      'ratio-model does not support aspect ratio 21:9; using aspect ratio 16:9 (supported: aspect ratios 1:1, 16:9, 9:16, 3:2, 2:3)',
    )
  })
})

describe('resolveSize with a range', () => {
  it('keeps a size inside the range on the grid', () => {
    expect(resolveSize(flux, ImageSize.custom(1024, 768))).toEqual({ width: 1024, height: 768, aspectRatio: '4:3' })
  })

  it('rounds edges to multipleOf', () => {
    expect(resolveSize(flux, ImageSize.custom(1000, 700))).toEqual({
      width: 992,
      height: 704,
      aspectRatio: '31:22',
      warning: 'flux does not support 1000x700; using 992x704 (supported: edges from 256 to 1440, multiples of 32)',
    })
  })

  it('scales into the range keeping the aspect ratio', () => {
    const resolved = resolveSize(flux, ImageSize.Landscape1792x1024)
    expect([resolved.width, resolved.height]).toEqual([1440, 832])
    expect(resolved.warning).toBe(
      'flux does not support 1792x1024; using 1440x832 (supported: edges from 256 to 1440, multiples of 32)',
    )
  })

  it('scales down to maxPixels on the grid', () => {
    const limited = model('limited', { range: { min: 256, max: 2048, multipleOf: 32, maxPixels: 1024 * 1024 } })
    const resolved = resolveSize(limited, ImageSize.Landscape1792x1024)
    expect([resolved.width, resolved.height]).toEqual([1344, 768])
    expect(resolved.width * resolved.height).toBeLessThanOrEqual(1024 * 1024)
  })

  it('keeps the requested ratio for a range model', () => {
    expect(resolveSize(flux, undefined, '3:2')).toEqual({ width: 1248, height: 832, aspectRatio: '3:2' })
  })

  it('does not warn when only the grid rounding moves a ratio-derived size', () => {
    expect(resolveSize(flux, undefined, '16:9')).toEqual({ width: 1376, height: 768, aspectRatio: '16:9' })
  })

  it('brings a ratio steeper than maxAspectRatio to the limit, on the grid, with a warning', () => {
    const gpt2 = model('gpt2', {
      range: { min: 256, max: 3840, multipleOf: 16, maxPixels: 3840 * 2160, maxAspectRatio: 3 },
    })
    const wide = resolveSize(gpt2, ImageSize.custom(3840, 960))
    expect(wide.width / wide.height).toBeLessThanOrEqual(3)
    expect([wide.width % 16, wide.height % 16]).toEqual([0, 0])
    expect([wide.width, wide.height]).toEqual([3312, 1104])
    expect(wide.warning).toBe(
      'gpt2 does not support 3840x960; using 3312x1104 (supported: edges from 256 to 3840, multiples of 16, aspect ratios from 1:3 to 3:1)',
    )
    const tall = resolveSize(gpt2, undefined, '1:5')
    expect(tall.height / tall.width).toBeLessThanOrEqual(3)
    expect(tall.warning).toMatch(/^gpt2 does not support aspect ratio 1:5; using \d+x\d+/)
    expect(resolveSize(gpt2, ImageSize.custom(1536, 512))).toEqual({ width: 1536, height: 512, aspectRatio: '3:1' })
  })

  it('still warns when the range cannot hold the asked ratio', () => {
    const narrow = model('narrow', { range: { min: 512, max: 1024, multipleOf: 64 } })
    const resolved = resolveSize(narrow, undefined, '4:1')
    expect([resolved.width, resolved.height]).toEqual([1024, 512])
    expect(resolved.warning).toBe(
      'narrow does not support aspect ratio 4:1; using 1024x512 (supported: edges from 512 to 1024, multiples of 64)',
    )
  })
})
