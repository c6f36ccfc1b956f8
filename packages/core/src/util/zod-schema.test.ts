import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { safeParseWith } from './zod-schema'

describe('safeParseWith', () => {
  it('gives English messages for zod/mini schemas, which carry no locale of their own', () => {
    const result = safeParseWith(z.strictObject({ quality: z.optional(z.enum(['low', 'high'])) }), { quality: 'x' })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toBe('Invalid option: expected one of "low"|"high"')
  })

  it('keeps a locale the app configured', () => {
    const before = z.config().localeError
    z.config({ localeError: () => 'app says no' })
    try {
      expect(safeParseWith(z.string(), 1).error?.issues[0]?.message).toBe('app says no')
    } finally {
      z.config({ localeError: before })
    }
  })

  it('accepts schemas made with classic zod, as plugins write them', async () => {
    const classic = await import('zod')
    const schema = classic.z.strictObject({ steps: classic.z.number().int().min(1) })
    expect(safeParseWith(schema, { steps: 4 })).toEqual({ success: true, data: { steps: 4 } })
    expect(safeParseWith(schema, { steps: 0 }).error?.issues[0]?.path).toEqual(['steps'])
  })
})
