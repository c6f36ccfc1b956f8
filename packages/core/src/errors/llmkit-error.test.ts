import { describe, expect, it } from 'vitest'
import type { HttpResponse } from '../http/http-types'
import { codeForStatus, errorFromResponse } from './http-error'
import { invalidRequest, isAbortError, LLMKitError } from './llmkit-error'
import { excerpt, redactSecrets } from './redact'

function response(status: number, body = '', headers: Record<string, string> = {}): HttpResponse {
  const buffer = Buffer.from(body)
  return {
    status,
    ok: status >= 200 && status < 300,
    url: 'https://api.test/v1',
    headers,
    body: buffer,
    requestId: headers['x-request-id'],
    text: () => buffer.toString('utf8'),
    json: () => JSON.parse(buffer.toString('utf8')),
  }
}

describe('LLMKitError', () => {
  it('carries its data and defaults isRetryable by code', () => {
    const error = new LLMKitError({
      code: 'rate_limited',
      message: 'slow',
      provider: 'fal',
      model: 'm',
      status: 429,
      requestId: 'r1',
      retryAfterMs: 2000,
    })
    expect(error).toBeInstanceOf(Error)
    expect([
      error.name,
      error.code,
      error.provider,
      error.model,
      error.status,
      error.requestId,
      error.retryAfterMs,
      error.isRetryable,
    ]).toEqual(['LLMKitError', 'rate_limited', 'fal', 'm', 429, 'r1', 2000, true])
    expect(new LLMKitError({ code: 'network', message: 'x' }).isRetryable).toBe(true)
    expect(new LLMKitError({ code: 'invalid_request', message: 'x' }).isRetryable).toBe(false)
    expect(new LLMKitError({ code: 'provider_error', message: 'x', isRetryable: true }).isRetryable).toBe(true)
  })

  it('keeps the cause and leaves it and the stack out of toJSON', () => {
    const cause = new Error('socket hang up')
    const error = new LLMKitError({ code: 'network', message: 'failed', cause, body: 'secret-ish body' })
    expect(error.cause).toBe(cause)
    expect(error.toJSON()).toEqual({
      name: 'LLMKitError',
      code: 'network',
      message: 'failed',
      provider: undefined,
      model: undefined,
      status: undefined,
      requestId: undefined,
      isRetryable: true,
      retryAfterMs: undefined,
    })
  })

  it('isInstance recognises an error made by another copy of the package', () => {
    // What a second bundled copy produces: a different class, the same global symbol.
    const marker: unique symbol = Symbol.for('llmkit.error') as never
    class OtherCopyError extends Error {
      readonly [marker] = true
      readonly code = 'timeout'
    }
    const foreign = new OtherCopyError('from elsewhere')
    expect(foreign instanceof LLMKitError).toBe(false)
    expect(LLMKitError.isInstance(foreign)).toBe(true)
    expect(LLMKitError.isInstance(new LLMKitError({ code: 'timeout', message: 'x' }))).toBe(true)
    expect(LLMKitError.isInstance(new Error('plain'))).toBe(false)
    expect(LLMKitError.isInstance({ [Symbol('llmkit.error')]: true })).toBe(false)
    expect(LLMKitError.isInstance(null)).toBe(false)
    expect(LLMKitError.isInstance('LLMKitError')).toBe(false)
  })

  it('invalidRequest makes an invalid_request error with extras', () => {
    const error = invalidRequest('bad', { provider: 'fal', code: 'timeout' })
    expect([error.code, error.message, error.provider]).toEqual(['invalid_request', 'bad', 'fal'])
  })

  it('isAbortError recognises the platform and undici abort errors only', () => {
    expect(isAbortError(new DOMException('x', 'AbortError'))).toBe(true)
    expect(isAbortError(Object.assign(new Error('aborted'), { code: 'UND_ERR_ABORTED' }))).toBe(true)
    expect(isAbortError(new LLMKitError({ code: 'aborted', message: 'x' }))).toBe(false)
    expect(isAbortError('AbortError')).toBe(false)
  })
})

describe('errorFromResponse', () => {
  it.each([
    [400, 'invalid_request', false],
    [401, 'authentication', false],
    [403, 'authentication', false],
    [402, 'quota_exceeded', false],
    [404, 'invalid_request', false],
    [408, 'timeout', false],
    [422, 'invalid_request', false],
    [429, 'rate_limited', true],
    [500, 'provider_error', true],
    [502, 'provider_error', true],
    [503, 'provider_error', true],
    [504, 'timeout', true],
  ] as const)('maps %s to %s (retryable: %s)', (status, code, retryable) => {
    expect(codeForStatus(status)).toBe(code)
    const error = errorFromResponse({
      provider: 'fal',
      model: 'fal-ai/flux/dev',
      response: response(status, '{"detail":"x"}', { 'x-request-id': 'req-1' }),
    })
    expect([error.code, error.status, error.isRetryable, error.provider, error.model, error.requestId]).toEqual([
      code,
      status,
      retryable,
      'fal',
      'fal-ai/flux/dev',
      'req-1',
    ])
  })

  it('writes provider: status message — advice', () => {
    const error = errorFromResponse({
      provider: 'fal',
      response: response(422, ''),
      message: 'image_size.width must be at most 2048',
    })
    expect(error.message).toBe('fal: 422 image_size.width must be at most 2048')
    expect(errorFromResponse({ provider: 'openai', response: response(401, 'nope') }).message).toBe(
      'openai: 401 nope — check the API key',
    )
    expect(errorFromResponse({ provider: 'openai', response: response(400, '') }).message).toBe(
      'openai: 400 no details given',
    )
  })

  it('says "rate limit" with the wait for a 429, and "quota" for a 402', () => {
    const limited = errorFromResponse({
      provider: 'openai',
      response: response(429, '', { 'retry-after': '7' }),
      message: 'Too many requests',
    })
    expect(limited.message).toBe(
      'openai: 429 Too many requests — rate limit reached; wait and try again, or lower the concurrency (retry after 7 s)',
    )
    expect(limited.retryAfterMs).toBe(7000)
    const quota = errorFromResponse({ provider: 'fal', response: response(402, 'Payment required') })
    expect(quota.message).toContain('quota')
    expect(quota.code).toBe('quota_exceeded')
  })

  it('lets the provider override the code and the advice', () => {
    const error = errorFromResponse({
      provider: 'openai',
      response: response(400, ''),
      code: 'content_policy',
      message: 'Your request was rejected by the safety system',
    })
    expect(error.code).toBe('content_policy')
    expect(error.message).toContain('rephrase the prompt')
    expect(errorFromResponse({ provider: 'x', response: response(401, ''), advice: 'Set X_KEY' }).message).toBe(
      'x: 401 no details given — Set X_KEY',
    )
  })

  it('keeps secrets out of the message and the body excerpt', () => {
    const body = JSON.stringify({
      error: 'invalid key abc123secretvalue',
      echo: 'Authorization: Bearer abc123secretvalue',
    })
    const error = errorFromResponse({ provider: 'x', response: response(401, body), secrets: ['abc123secretvalue'] })
    expect(error.message).not.toContain('abc123secretvalue')
    expect(error.body).not.toContain('abc123secretvalue')
    expect(error.body).toBe('{"error":"invalid key [redacted]","echo":"Authorization: Bearer [redacted]"}')
  })
})

describe('redactSecrets', () => {
  it('removes the given secrets everywhere, ignoring very short ones', () => {
    expect(redactSecrets('key=k9x8-secret and again k9x8-secret', ['k9x8-secret', undefined, 'ab'])).toBe(
      'key=[redacted] and again [redacted]',
    )
    expect(redactSecrets('about ab', ['ab'])).toBe('about ab')
  })

  it('removes credentials that look like credentials', () => {
    expect(redactSecrets('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x')).toBe('Authorization: Bearer [redacted]')
    expect(redactSecrets('Authorization: Key 1b2c3d4e:5f6a7b8c9d')).toBe('Authorization: Key [redacted]')
    expect(redactSecrets('Authorization: Token r8_abcdefghijklmnop')).toBe('Authorization: Token [redacted]')
    expect(redactSecrets('Authorization: Basic dXNlcjpwYXNz')).toBe('Authorization: Basic [redacted]')
    expect(redactSecrets('your key sk-proj-abcdefgh12345678 is wrong')).toBe('your key [redacted] is wrong')
    expect(redactSecrets('replicate r8_AbCdEf123456 bad')).toBe('replicate [redacted] bad')
    expect(redactSecrets('{"api_key": "abcd1234efgh"}')).toBe('{"api_key": "[redacted]"}')
    expect(redactSecrets('https://x.test/?token=zzzz9999&x=1')).toBe('https://x.test/?token=[redacted]&x=1')
    expect(redactSecrets('password: hunter22')).toBe('password: [redacted]')
  })

  it('leaves ordinary words after "key" or "token" alone', () => {
    expect(redactSecrets('Invalid key format')).toBe('Invalid key format')
    expect(redactSecrets('Token expired, please refresh')).toBe('Token expired, please refresh')
    expect(redactSecrets('Incorrect API key provided')).toBe('Incorrect API key provided')
  })

  it('excerpt trims, redacts and shortens', () => {
    expect(excerpt('  hello sk-abcdefghijkl  ')).toBe('hello [redacted]')
    expect(excerpt('x'.repeat(20), [], 5)).toBe('xxxxx…')
  })
})

describe('LLMKitError cause chain scrubbing', () => {
  it('drops what a platform error carries beyond its message (undici/Node `input`) and redacts text', async () => {
    const { inspect } = await import('node:util')
    let invalid: unknown
    try {
      new URL('http://[::1:bad/v1?key=AIzaSyLeak0123456789')
    } catch (caught) {
      invalid = caught
    }
    const nested = new Error('proxy failed', { cause: invalid })
    const error = new LLMKitError({
      code: 'invalid_request',
      message: 'bad URL',
      cause: nested,
      secrets: ['s3cret-value'],
    })
    const shown = inspect(error, { depth: null })
    expect(shown).not.toContain('AIzaSyLeak0123456789')
    expect((error.cause as Error).message).toBe('proxy failed')
    expect(((error.cause as Error).cause as { code?: string }).code).toBe('ERR_INVALID_URL')
    const withSecret = new LLMKitError({
      code: 'network',
      message: 'x',
      cause: new Error('sent s3cret-value to http://u:pw12345@h/'),
      secrets: ['s3cret-value'],
    })
    expect(inspect(withSecret, { depth: null })).not.toMatch(/s3cret-value|pw12345/)
  })
})
