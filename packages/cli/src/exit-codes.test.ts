import { describe, expect, it } from 'vitest'
import { LLMKitError, type LLMKitErrorCode } from '@llmkit/sdk'
import { describeError, exitCodeFor, UsageError } from './exit-codes'

describe('exitCodeFor', () => {
  it.each<[LLMKitErrorCode, number]>([
    ['authentication', 3],
    ['invalid_request', 4],
    ['unknown_model', 4],
    ['content_policy', 4],
    ['rate_limited', 5],
    ['quota_exceeded', 5],
    ['provider_error', 6],
    ['network', 6],
    ['timeout', 6],
    ['no_image', 6],
    ['aborted', 130],
  ])('%s → %i', (code, exit) => {
    expect(exitCodeFor(new LLMKitError({ code, message: 'm' }))).toBe(exit)
  })

  it('maps usage errors to 2, the platform AbortError to 130 and anything else to 6', () => {
    expect(exitCodeFor(new UsageError('bad flag'))).toBe(2)
    expect(exitCodeFor(new DOMException('stop', 'AbortError'))).toBe(130)
    expect(exitCodeFor(new TypeError('boom'))).toBe(6)
  })

  it('describes an error on one line', () => {
    expect(describeError(new Error('first\n  second'))).toBe('first second')
  })
})
