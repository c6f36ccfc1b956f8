import { describe, expect, it } from 'vitest'
import { describeScene, parseScene } from './scene'

describe('parseScene', () => {
  it('defaults to a day landscape with sun, hills and a few trees', () => {
    const scene = parseScene('a cat')
    expect(scene).toMatchObject({
      timeOfDay: 'day',
      sun: true,
      moon: 'none',
      stars: false,
      hills: true,
      trees: 'few',
      city: false,
      water: 'none',
    })
    expect(scene.recognized).toEqual([])
  })

  it.each([
    ['sunrise over the hills', 'dawn'],
    ['a meadow at noon', 'day'],
    ['a lake at sunset', 'sunset'],
    ['dusk in the mountains', 'sunset'],
    ['a starry sky', 'night'],
  ] as const)('reads the time of day from %j', (prompt, timeOfDay) => {
    expect(parseScene(prompt).timeOfDay).toBe(timeOfDay)
  })

  it('puts stars and a moon in the night sky and no sun', () => {
    expect(parseScene('a futuristic city at night')).toMatchObject({
      timeOfDay: 'night',
      stars: true,
      moon: 'full',
      sun: false,
      city: true,
      neon: true,
      clouds: 'none',
    })
    expect(parseScene('a crescent moon over the sea').moon).toBe('crescent')
  })

  it('reads landforms, water, trees and city', () => {
    expect(parseScene('A serene mountain landscape')).toMatchObject({ mountains: true, hills: true, trees: 'few' })
    expect(parseScene('the ocean').water).toBe('sea')
    expect(parseScene('a calm lake').water).toBe('lake')
    expect(parseScene('a winding river').water).toBe('river')
    expect(parseScene('a peaceful forest with sunlight')).toMatchObject({ trees: 'many', rays: true, sun: true })
    expect(parseScene('the skyline of a town').city).toBe(true)
  })

  it('removes what the negative prompt names', () => {
    expect(parseScene('a forest by a lake', 'trees').trees).toBe('none')
    expect(parseScene('mountains over a lake', 'mountains, water')).toMatchObject({ mountains: false, water: 'none' })
    expect(parseScene('a city at night', 'city, stars, moon')).toMatchObject({
      city: false,
      stars: false,
      moon: 'none',
    })
    expect(parseScene('a sunny meadow', 'blurry, watermark').sun).toBe(true)
  })

  it('understands "no" and "without" in the prompt itself', () => {
    expect(parseScene('hills without trees').trees).toBe('none')
    expect(parseScene('a night sky with no stars')).toMatchObject({ timeOfDay: 'night', stars: false })
  })

  it('attaches colours to the noun that follows, else to the whole picture', () => {
    expect(parseScene('a lake at sunset with purple sky').colors).toEqual([{ name: 'purple', target: 'sky' }])
    expect(parseScene('deep blue sea and red trees').colors).toEqual([
      { name: 'blue', target: 'water' },
      { name: 'red', target: 'trees' },
    ])
    expect(parseScene('a gold and teal dream').colors).toEqual([
      { name: 'gold', target: 'any' },
      { name: 'teal', target: 'any' },
    ])
  })

  it('describes what it will draw', () => {
    expect(describeScene(parseScene('a lake at sunset with purple sky'))).toBe(
      'Procedural sunset landscape with a lake, sun, clouds; colours: purple sky',
    )
  })
})

describe('subjects it cannot draw', () => {
  it.each([
    ['a lighthouse on a cliff at dusk', ['lighthouse']],
    ['a portrait of a cat', ['cat']],
    ['a majestic dragon over a castle, highly detailed', ['dragon', 'castle']],
    ['A serene mountain landscape', []],
    ['a misty lake at dawn without trees', []],
  ] as const)('%j cannot draw %j', (prompt, unknown) => {
    expect(parseScene(prompt).unknown).toEqual(unknown)
  })
})
