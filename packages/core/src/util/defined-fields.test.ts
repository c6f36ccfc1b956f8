import { describe, expect, it } from 'vitest'
import { definedFields } from './defined-fields'

describe('definedFields', () => {
  it('drops undefined fields and keeps null, 0, false and empty strings', () => {
    const fields = definedFields({ a: undefined, b: null, c: 0, d: false, e: '', f: { g: undefined } })
    expect(fields).toEqual({ b: null, c: 0, d: false, e: '', f: { g: undefined } })
    expect(Object.keys(fields)).toEqual(['b', 'c', 'd', 'e', 'f'])
  })
})
