import { describe, expect, it } from 'vitest'
import { paletteFor } from './palette'
import { renderPng, renderScene } from './render'
import { parseScene } from './scene'
import { decodePng } from './test-utils/decode-png'

const DOCUMENTED_SIZES = [
  [256, 256],
  [512, 512],
  [1024, 1024],
  [1024, 1792],
  [1792, 1024],
] as const

const pixelAt = (pixels: Uint8Array | Uint8ClampedArray, width: number, x: number, y: number) => {
  const i = (Math.round(y) * width + Math.round(x)) * 3
  return [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!]
}

describe('renderPng', () => {
  it.each(DOCUMENTED_SIZES)('renders a valid %ix%i PNG', (width, height) => {
    const decoded = decodePng(renderPng('a lake at sunset', { width, height, seed: 1 }))
    expect([decoded.width, decoded.height]).toEqual([width, height])
    expect(decoded.pixels.length).toBe(width * height * 3)
  })

  it('gives identical bytes for the same prompt and seed, other bytes for another seed', () => {
    const options = { width: 256, height: 256 }
    const first = renderPng('mountains over a lake', { ...options, seed: 42 })
    expect(Buffer.from(renderPng('mountains over a lake', { ...options, seed: 42 })).equals(first)).toBe(true)
    expect(Buffer.from(renderPng('mountains over a lake', { ...options, seed: 43 })).equals(first)).toBe(false)
  })

  it('composes differently for another seed, not just by noise', () => {
    const scene = parseScene('a forest under mountains')
    const a = renderScene(scene, { width: 256, height: 256, seed: 1 }).composition
    const b = renderScene(scene, { width: 256, height: 256, seed: 2 }).composition
    expect(a.trees.map((tree) => tree.x)).not.toEqual(b.trees.map((tree) => tree.x))
    expect(Array.from(a.mountains[0]!.top)).not.toEqual(Array.from(b.mountains[0]!.top))
  })

  it('paints trees where the composition puts them, and none when the negative prompt says "trees"', () => {
    const size = { width: 512, height: 512, seed: 5 }
    const withTrees = renderScene(parseScene('a forest on hills'), size)
    const withoutTrees = renderScene(parseScene('a forest on hills', 'trees'), size)
    expect(withTrees.composition.trees.length).toBeGreaterThan(20)
    expect(withoutTrees.composition.trees).toEqual([])
    // The middle of every sizeable tree is painted in the tree's colours in one picture and not in the other.
    const big = withTrees.composition.trees.filter((tree) => tree.height > 40 && tree.x > 5 && tree.x < 507)
    const treeGreen = paletteFor(parseScene('a forest')).tree
    const distance = (color: number[]) =>
      Math.hypot(color[0]! - treeGreen[0], color[1]! - treeGreen[1], color[2]! - treeGreen[2])
    const centres = big.map((tree) => [tree.x, Math.min(511, tree.baseY - tree.height * 0.45)] as const)
    const nearTreeColour = (pixels: Uint8ClampedArray) =>
      centres.filter(([x, y]) => distance(pixelAt(pixels, 512, x, y)) < 70).length
    expect(centres.length).toBeGreaterThan(5)
    expect(nearTreeColour(withTrees.pixels)).toBeGreaterThanOrEqual(centres.length * 0.8)
    expect(nearTreeColour(withoutTrees.pixels)).toBe(0)
  })

  it('puts stars and a moon in a night sky', () => {
    const { composition, pixels } = renderScene(parseScene('the sea at night'), { width: 512, height: 512, seed: 3 })
    expect(composition.stars.length).toBeGreaterThan(50)
    const moon = composition.moon!
    const [r, g, b] = pixelAt(pixels, 512, moon.x, moon.y + moon.radius * 0.6)
    expect(Math.min(r!, g!, b!)).toBeGreaterThan(150)
    const [sr, sg, sb] = pixelAt(pixels, 512, 5, 5)
    expect(Math.max(sr!, sg!, sb!)).toBeLessThan(60)
  })

  it('tints the sky with the colour the prompt names', () => {
    // Mean colour of the middle of the sky (rows 40-120 of 256).
    const mean = (pixels: Uint8ClampedArray) => {
      const sum = [0, 0, 0]
      for (let i = 40 * 256 * 3; i < 120 * 256 * 3; i++) sum[i % 3]! += pixels[i]!
      return sum.map((value) => value / (80 * 256))
    }
    const plain = mean(renderScene(parseScene('a lake at sunset'), { width: 256, height: 256, seed: 9 }).pixels)
    const purple = mean(
      renderScene(parseScene('a lake at sunset with purple sky'), { width: 256, height: 256, seed: 9 }).pixels,
    )
    expect(purple[2]! - purple[1]!).toBeGreaterThan(plain[2]! - plain[1]! + 25)
    expect(purple[2]!).toBeGreaterThan(purple[1]! + 40)
  })
})
