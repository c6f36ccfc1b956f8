import { describe, expect, it } from 'vitest'
import { checkImagesResponse } from './openai-api'

describe('checkImagesResponse', () => {
  it('accepts the answers the API documents, with fields it does not read', () => {
    expect(checkImagesResponse({ created: 1, data: [{ b64_json: 'AAAA', revised_prompt: 'a cat' }] })).toBeUndefined()
    expect(
      checkImagesResponse({ created: 1, data: [{ url: 'https://x.test/a.png' }], background: 'opaque' }),
    ).toBeUndefined()
    expect(
      checkImagesResponse({
        created: 1,
        data: null,
        output_format: 'webp',
        usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3, input_tokens_details: {} },
      }),
    ).toBeUndefined()
    expect(checkImagesResponse({ created: 1 })).toBeUndefined()
  })

  it('names the first field that is wrong and what came instead', () => {
    expect(checkImagesResponse([])).toBe('(root): expected object, received array')
    expect(checkImagesResponse({ data: [] })).toBe('created: expected number, received undefined')
    expect(checkImagesResponse({ created: 1, data: {} })).toBe('data: expected array, received object')
    expect(checkImagesResponse({ created: 1, data: [{ url: 'u' }, null] })).toBe(
      'data.1: expected object, received null',
    )
    expect(checkImagesResponse({ created: 1, data: [{ b64_json: 7 }] })).toBe(
      'data.0.b64_json: expected string, received number',
    )
    expect(checkImagesResponse({ created: 1, output_format: 1 })).toBe(
      'output_format: expected string, received number',
    )
    expect(checkImagesResponse({ created: 1, usage: { input_tokens: 1, output_tokens: 2 } })).toBe(
      'usage.total_tokens: expected number, received undefined',
    )
  })
})
