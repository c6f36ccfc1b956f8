import { describe, expect, it } from 'vitest'
import { LLMKitError } from '../errors/llmkit-error'
import { ImageGenerationRequest, MAX_SEED } from './image-generation-request'
import { ImageFormat, ImageQuality, ImageStyle } from './image-options'
import { ImageSize } from './image-size'

const base = () => new ImageGenerationRequest('dall-e-3', 'A serene mountain landscape')

/** Runs `fn`, expects an invalid_request LLMKitError, and returns it for message checks. */
function invalid(fn: () => unknown): LLMKitError {
  try {
    fn()
  } catch (error) {
    expect(LLMKitError.isInstance(error)).toBe(true)
    expect((error as LLMKitError).code).toBe('invalid_request')
    return error as LLMKitError
  }
  throw new Error('expected an invalid_request error, nothing was thrown')
}

describe('ImageGenerationRequest defaults', () => {
  it('holds the model, the trimmed prompt, n=1, url format and no options', () => {
    const request = new ImageGenerationRequest('dall-e-3', '  A lighthouse  ')
    expect(request.model).toBe('dall-e-3')
    expect(request.prompt).toBe('A lighthouse')
    expect(request.n).toBe(1)
    expect(request.format).toBe('url')
    expect(request.size).toBeUndefined()
    expect(request.seed).toBeUndefined()
    expect(request.provider_options).toEqual({})
    expect(Object.isFrozen(request)).toBe(true)
  })
})

describe('ImageGenerationRequest immutability', () => {
  const cases: [string, (r: ImageGenerationRequest) => ImageGenerationRequest, string, unknown][] = [
    ['with_n', (r) => r.with_n(3), 'n', 3],
    ['with_size', (r) => r.with_size(ImageSize.Landscape1792x1024), 'size', ImageSize.Landscape1792x1024],
    ['with_quality', (r) => r.with_quality(ImageQuality.Hd), 'quality', 'hd'],
    ['with_style', (r) => r.with_style(ImageStyle.Vivid), 'style', 'vivid'],
    ['with_format', (r) => r.with_format(ImageFormat.B64Json), 'format', 'b64_json'],
    [
      'with_negative_prompt',
      (r) => r.with_negative_prompt('blurry, watermark'),
      'negative_prompt',
      'blurry, watermark',
    ],
    ['with_seed', (r) => r.with_seed(12345), 'seed', 12345],
    ['with_aspect_ratio', (r) => r.with_aspect_ratio(' 16:9 '), 'aspect_ratio', '16:9'],
    [
      'with_provider_options',
      (r) => r.with_provider_options('fal', { steps: 28 }),
      'provider_options',
      { fal: { steps: 28 } },
    ],
    ['with_model', (r) => r.with_model('fal:fal-ai/flux/dev'), 'model', 'fal:fal-ai/flux/dev'],
  ]

  it.each(cases)(
    '%s returns a new frozen request and leaves the original unchanged',
    (_name, apply, field, expected) => {
      const original = base()
      const before = JSON.stringify(original.toJSON())
      const next = apply(original)
      expect(next).not.toBe(original)
      expect(next).toBeInstanceOf(ImageGenerationRequest)
      expect(Object.isFrozen(next)).toBe(true)
      expect((next as unknown as Record<string, unknown>)[field]).toEqual(expected)
      expect(JSON.stringify(original.toJSON())).toBe(before)
      expect(next.prompt).toBe('A serene mountain landscape')
    },
  )

  it('chains the documented builders into one request', () => {
    const request = base()
      .with_n(2)
      .with_size(ImageSize.Landscape1792x1024)
      .with_quality(ImageQuality.Hd)
      .with_style(ImageStyle.Vivid)
      .with_format(ImageFormat.Url)
      .with_negative_prompt('blurry, watermark')
      .with_seed(12345)
    expect(request.toJSON()).toEqual({
      model: 'dall-e-3',
      prompt: 'A serene mountain landscape',
      n: 2,
      size: '1792x1024',
      quality: 'hd',
      style: 'vivid',
      format: 'url',
      negative_prompt: 'blurry, watermark',
      seed: 12345,
    })
  })

  it('cannot be mutated in place', () => {
    const request = base()
    expect(() => {
      ;(request as unknown as { n: number }).n = 5
    }).toThrow(TypeError)
    expect(request.n).toBe(1)
  })

  it('merges provider options per provider without touching the earlier request', () => {
    const first = base().with_provider_options('fal', { steps: 28 })
    const second = first.with_provider_options('fal', { guidance: 3.5 }).with_provider_options('openai', { user: 'u1' })
    expect(first.provider_options).toEqual({ fal: { steps: 28 } })
    expect(second.provider_options).toEqual({ fal: { steps: 28, guidance: 3.5 }, openai: { user: 'u1' } })
    expect(Object.isFrozen(second.provider_options.fal)).toBe(true)
  })
})

describe('ImageGenerationRequest validation', () => {
  it.each([0, 11, 2.5, -1, Number.NaN])('with_n(%s) is rejected with the allowed range', (n) => {
    const error = invalid(() => base().with_n(n))
    expect(error.message).toBe(`with_n: n must be a whole number from 1 to 10, got ${String(n)}`)
  })

  it('with_n("3") (a string) is rejected', () => {
    const error = invalid(() => base().with_n('3' as unknown as number))
    expect(error.message).toBe('with_n: n must be a whole number from 1 to 10, got "3"')
  })

  it('accepts the bounds of n', () => {
    expect(base().with_n(1).n).toBe(1)
    expect(base().with_n(10).n).toBe(10)
  })

  it.each([
    ['', 'got an empty string'],
    ['   ', 'got only whitespace'],
    ['\n\t', 'got only whitespace'],
  ])('an empty or blank prompt (%j) is rejected', (prompt, said) => {
    const error = invalid(() => new ImageGenerationRequest('dall-e-3', prompt))
    expect(error.message).toContain('prompt must be non-empty text')
    expect(error.message).toContain(said)
  })

  it('an empty model id is rejected', () => {
    const error = invalid(() => new ImageGenerationRequest(' ', 'a cat'))
    expect(error.message).toContain('model must be a non-empty model id')
  })

  it('a prompt longer than 32 000 characters is rejected', () => {
    invalid(() => new ImageGenerationRequest('dall-e-3', 'x'.repeat(32_001)))
    expect(new ImageGenerationRequest('dall-e-3', 'x'.repeat(32_000)).prompt.length).toBe(32_000)
  })

  it.each([-1, 2 ** 32, 1.5])('with_seed(%s) is rejected with the allowed range', (seed) => {
    const error = invalid(() => base().with_seed(seed))
    expect(error.message).toBe(`with_seed: seed must be a whole number from 0 to 4294967295, got ${String(seed)}`)
  })

  it('accepts seeds 0 and 2^32-1', () => {
    expect(base().with_seed(0).seed).toBe(0)
    expect(base().with_seed(MAX_SEED).seed).toBe(4294967295)
  })

  it('rejects an unknown format, quality or style, naming the allowed values', () => {
    expect(invalid(() => base().with_format('png' as ImageFormat)).message).toBe(
      'with_format: format must be ImageFormat.Url or ImageFormat.B64Json, got "png"',
    )
    expect(invalid(() => base().with_quality('ultra' as ImageQuality)).message).toBe(
      'with_quality: quality must be ImageQuality.Standard or ImageQuality.Hd, got "ultra"',
    )
    expect(invalid(() => base().with_style('anime' as ImageStyle)).message).toBe(
      'with_style: style must be ImageStyle.Natural or ImageStyle.Vivid, got "anime"',
    )
  })

  it.each(['16/9', 'wide', '0:1', '16:0', '', '-1:2'])('rejects the aspect ratio %j', (ratio) => {
    expect(invalid(() => base().with_aspect_ratio(ratio)).message).toContain('aspect ratio must look like "16:9"')
  })

  it('rejects a size that is not an ImageSize', () => {
    const error = invalid(() => base().with_size({ width: 1024, height: 1024 } as unknown as ImageSize))
    expect(error.message).toContain('size must be an ImageSize')
  })

  it('rejects a blank negative prompt and bad provider option arguments', () => {
    expect(invalid(() => base().with_negative_prompt('  ')).message).toContain('negative prompt must be non-empty text')
    expect(invalid(() => base().with_provider_options('Fal AI', {})).message).toContain(
      'provider must be a provider id',
    )
    expect(
      invalid(() => base().with_provider_options('fal', 'steps=3' as unknown as Record<string, unknown>)).message,
    ).toContain('options must be a plain object')
  })
})

describe('ImageGenerationRequest JSON', () => {
  it('round-trips every field through toJSON and fromJSON', () => {
    const request = base()
      .with_n(3)
      .with_size(ImageSize.custom(640, 480))
      .with_quality(ImageQuality.Standard)
      .with_style(ImageStyle.Natural)
      .with_format(ImageFormat.B64Json)
      .with_negative_prompt('text')
      .with_seed(0)
      .with_aspect_ratio('4:3')
      .with_provider_options('fal', { steps: 4 })
    const data = JSON.parse(JSON.stringify(request))
    expect(data.size).toBe('640x480')
    expect(data.seed).toBe(0)
    const again = ImageGenerationRequest.fromJSON(data)
    expect(again).not.toBe(request)
    expect(again.toJSON()).toEqual(request.toJSON())
    expect(again.size?.width).toBe(640)
    expect(again.size?.height).toBe(480)
  })

  it('maps a documented size back to the same static member', () => {
    const again = ImageGenerationRequest.fromJSON(base().with_size(ImageSize.Portrait1024x1792).toJSON())
    expect(again.size).toBe(ImageSize.Portrait1024x1792)
  })

  it('validates data again when reading it', () => {
    const error = invalid(() =>
      ImageGenerationRequest.fromJSON({ model: 'dall-e-3', prompt: 'a cat', n: 11, format: 'url' }),
    )
    expect(error.message).toContain('with_n')
  })
})
