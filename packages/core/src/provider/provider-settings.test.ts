import { describe, expect, it } from 'vitest'
import { resolveBaseURL, unversionedBaseURL, versionedBaseURL } from './provider-settings'

describe('base URLs', () => {
  it('resolves the setting, then the variable, then the default, without a trailing slash', () => {
    expect(resolveBaseURL('https://a.test/', { X: 'https://b.test' }, 'X', 'https://c.test')).toBe('https://a.test')
    expect(resolveBaseURL(undefined, { X: ' https://b.test// ' }, 'X', 'https://c.test')).toBe('https://b.test')
    expect(resolveBaseURL(undefined, { X: ' ' }, 'X', 'https://c.test/')).toBe('https://c.test')
  })

  it('adds the version unless the URL ends in one', () => {
    expect(versionedBaseURL('https://host')).toBe('https://host/v1')
    expect(versionedBaseURL('https://host/v1/')).toBe('https://host/v1')
    expect(versionedBaseURL('https://host/proxy/v2')).toBe('https://host/proxy/v2')
    expect(versionedBaseURL('https://host/proxy', 'v2beta')).toBe('https://host/proxy/v2beta')
  })

  it('drops a final version for APIs whose paths carry their own', () => {
    expect(unversionedBaseURL('https://host/v1/')).toBe('https://host')
    expect(unversionedBaseURL('https://host/v2beta')).toBe('https://host')
    expect(unversionedBaseURL('https://host/api')).toBe('https://host/api')
  })
})
