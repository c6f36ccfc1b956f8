import { describe, expect, it } from 'vitest'
import { LLMKitError } from '../errors/llmkit-error'
import { isSafePathSegment, joinUrlPath } from './url-path'

describe('joinUrlPath', () => {
  it('joins safe segments under the base path', () => {
    expect(joinUrlPath('https://queue.fal.run', 'fal-ai', 'flux', 'dev')).toBe('https://queue.fal.run/fal-ai/flux/dev')
    expect(joinUrlPath('https://api.replicate.com/v1/', 'predictions', 'abc123', 'cancel')).toBe(
      'https://api.replicate.com/v1/predictions/abc123/cancel',
    )
    expect(joinUrlPath('http://h/v1', 'models', 'owner', `name:${'a'.repeat(64)}`)).toBe(
      `http://h/v1/models/owner/name:${'a'.repeat(64)}`,
    )
  })

  it.each(['..', '.', '...', '', 'a/b', '%2e%2e', '%2F', 'a%2fb', 'a b', 'a?b', 'a#b', 'a\\b', '\u0000', 'ä'])(
    'refuses %j with invalid_request naming the grammar',
    (segment) => {
      expect(isSafePathSegment(segment)).toBe(false)
      let error: unknown
      try {
        joinUrlPath('https://api.test/v1', 'predictions', segment)
      } catch (caught) {
        error = caught
      }
      expect(LLMKitError.isInstance(error) && error.code).toBe('invalid_request')
      expect((error as Error).message).toContain('no "/", no percent-encoding')
    },
  )

  it('refuses what is not a string', () => {
    expect(isSafePathSegment(undefined)).toBe(false)
    expect(isSafePathSegment(5)).toBe(false)
    expect(() => joinUrlPath('https://api.test', undefined as unknown as string)).toThrow(LLMKitError)
  })
})
