/** A seeded pseudo-random source: `next()` returns a float in [0, 1). */
export interface Random {
  next(): number
  /** A float in [min, max). */
  range(min: number, max: number): number
  /** A whole number in [min, max]. */
  int(min: number, max: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
}

/**
 * mulberry32: tiny, fast and good enough for composition. The same seed gives
 * the same sequence on every platform, which is what makes renders reproducible.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    range: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (p) => next() < p,
  }
}

/** A new 32-bit seed derived from a seed and a label, so each layer draws from its own stream. */
export function deriveSeed(seed: number, label: string): number {
  let hash = (seed ^ 0x9e3779b9) >>> 0
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0
  return Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) >>> 0
}
