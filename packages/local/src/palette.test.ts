import { describe, expect, it } from 'vitest'
import { paletteFor } from './palette'
import { parseScene } from './scene'
import type { RGB } from './color'

const hue = ([r, g, b]: RGB): number => {
  const max = Math.max(r, g, b)
  const min = Math.min(r, g, b)
  if (max === min) return 0
  const h = max === r ? (g - b) / (max - min) : max === g ? 2 + (b - r) / (max - min) : 4 + (r - g) / (max - min)
  return (h * 60 + 360) % 360
}

describe('paletteFor', () => {
  it('darkens everything at night', () => {
    const day = paletteFor(parseScene('hills'))
    const night = paletteFor(parseScene('hills at night'))
    expect(night.skyTop[2]).toBeLessThan(day.skyTop[2] / 3)
    expect(night.ground[1]).toBeLessThan(day.ground[1] / 3)
  })

  it('turns a "purple sky" purple and leaves the trees alone', () => {
    const plain = paletteFor(parseScene('a lake at sunset'))
    const purple = paletteFor(parseScene('a lake at sunset with purple sky'))
    expect(hue(purple.skyMid)).toBeGreaterThan(270)
    expect(hue(purple.skyMid)).toBeLessThan(320)
    expect(purple.skyMid).not.toEqual(plain.skyMid)
    expect(purple.tree).toEqual(plain.tree)
  })

  it.each([
    ['red trees', 'tree', 0, 20],
    ['green water', 'water', 90, 170],
    ['orange clouds', 'cloudLit', 15, 45],
  ] as const)('maps %j onto the palette', (prompt, key, minHue, maxHue) => {
    const color = paletteFor(parseScene(prompt))[key]
    const h = hue(color)
    expect(h >= minHue && h <= maxHue, `hue ${h} of ${color.join(',')}`).toBe(true)
  })

  it('uses an unattached colour for the sky', () => {
    const teal = paletteFor(parseScene('a teal landscape'))
    expect(hue(teal.skyMid)).toBeGreaterThan(170)
    expect(hue(teal.skyMid)).toBeLessThan(200)
  })
})
