import * as z from 'zod'
import { describe, expect, it } from 'vitest'
import { LLMKitError } from '../errors/llmkit-error'
import { parseResponse } from './parse-response'

const schema = z.looseObject({ id: z.string(), images: z.array(z.looseObject({ url: z.string() })) })
const answer = (body: unknown) => ({ status: 200, requestId: 'req-1', json: () => body })

describe('parseResponse', () => {
  it('returns the parsed answer, unknown fields kept', () => {
    const body = { id: 'a', images: [{ url: 'https://x.test/1.png' }], extra: 1 }
    expect(parseResponse(schema, answer(body), { provider: 'p', model: 'm' })).toEqual(body)
  })

  it('throws provider_error naming the provider, what was read, the field and the hint', () => {
    let error: unknown
    try {
      parseResponse(schema, answer({ id: 'a', images: [{}] }), {
        provider: 'p',
        model: 'm',
        what: 'status answer',
        hint: 'the unofficial API may have changed',
      })
    } catch (thrown) {
      error = thrown
    }
    expect(LLMKitError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ code: 'provider_error', provider: 'p', model: 'm', status: 200, requestId: 'req-1' })
    expect((error as LLMKitError).message).toMatch(
      /^p: unexpected status answer: images\.0\.url: .+; the unofficial API may have changed$/,
    )
  })

  it('says "response shape" by default and takes anything with json(), such as a stream event', () => {
    expect(() => parseResponse(schema, { json: () => null }, { provider: 'p', model: 'm' })).toThrow(
      /^p: unexpected response shape: /,
    )
  })
})
