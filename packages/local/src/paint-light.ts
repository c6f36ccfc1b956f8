import type { Composition } from './composition'
import type { Palette } from './palette'
import { createRandom, deriveSeed } from './prng'
import type { Raster } from './raster'

const RAY_BINS = 720

/** Shafts of sunlight fanning out from the sun over everything, brightest near it. */
export function paintRays(raster: Raster, composition: Composition, palette: Palette, seed: number): void {
  const sun = composition.sun
  if (!composition.scene.rays || !sun) return
  const pattern = rayPattern(seed)
  const { width, height, data } = raster
  const reach = Math.max(width, height) * 0.6
  const inverse = 1 / (reach * reach)
  const [r, g, b] = palette.glow
  const binsPerRadian = RAY_BINS / (Math.PI * 2)
  for (let y = 0; y < height; y++) {
    const dy = y - sun.y
    for (let x = 0, i = y * width * 3; x < width; x++, i += 3) {
      const dx = x - sun.x
      const falloff = 1 / (1 + (dx * dx + dy * dy) * inverse) - 0.2
      if (falloff <= 0) continue
      const bin = ((fastAtan2(dy, dx) + Math.PI) * binsPerRadian) | 0
      const light = pattern[bin % RAY_BINS]! * falloff
      data[i] = data[i]! + r * light
      data[i + 1] = data[i + 1]! + g * light
      data[i + 2] = data[i + 2]! + b * light
    }
  }
}

/** Brightness per direction: a few soft-edged shafts with gaps between them. */
function rayPattern(seed: number): Float32Array {
  const random = createRandom(deriveSeed(seed, 'rays'))
  const raw = new Float32Array(RAY_BINS)
  for (let i = 0; i < RAY_BINS; i++) raw[i] = random.chance(0.12) ? random.range(0.3, 0.55) : 0
  const smooth = new Float32Array(RAY_BINS)
  const window = 4
  for (let i = 0; i < RAY_BINS; i++) {
    let sum = 0
    for (let k = -window; k <= window; k++) sum += raw[(i + k + RAY_BINS) % RAY_BINS]!
    smooth[i] = sum / (window * 2 + 1)
  }
  return smooth
}

/** atan2 within about 0.005 rad, finer than one ray bin and several times cheaper than Math.atan2. */
function fastAtan2(y: number, x: number): number {
  const ax = x < 0 ? -x : x
  const ay = y < 0 ? -y : y
  const ratio = (ax < ay ? ax : ay) / ((ax < ay ? ay : ax) || 1)
  const s = ratio * ratio
  let angle = ((-0.0464964749 * s + 0.15931422) * s - 0.327622764) * s * ratio + ratio
  if (ay > ax) angle = 1.57079637 - angle
  if (x < 0) angle = 3.14159274 - angle
  return y < 0 ? -angle : angle
}
