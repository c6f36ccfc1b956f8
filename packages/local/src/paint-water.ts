import { mix, type RGB } from './color'
import type { Composition } from './composition'
import type { Palette } from './palette'
import { blendSpan, type Raster } from './raster'

/**
 * Water mirrors what stands above the horizon, row for row, shifted by
 * ripples that grow towards the viewer and mixed with the water's own colour.
 */
export function paintWater(raster: Raster, composition: Composition, palette: Palette): void {
  const { scene, horizonY, height, width, river } = composition
  if (scene.water === 'none') return
  const rows = height - horizonY
  for (let row = 0; row < rows; row++) {
    const x0 = river ? river.centre[row]! - river.halfWidth[row]! : 0
    const x1 = river ? river.centre[row]! + river.halfWidth[row]! : width
    reflectRow(raster, composition, palette.water, row, x0, x1)
  }
  if (river) paintBanks(raster, composition, mix(palette.groundNear, palette.water, 0.3))
  const light = composition.sun ?? composition.moon
  if (light && !river) paintGlitter(raster, composition, light.x, light.radius, mix(palette.sun, palette.glow, 0.35))
}

function reflectRow(raster: Raster, composition: Composition, water: RGB, row: number, x0: number, x1: number): void {
  const { width, data } = raster
  const { horizonY, height, wavePhase } = composition
  const t = row / (height - horizonY)
  const y = horizonY + row
  const source = Math.max(0, horizonY - 1 - Math.floor(row * 0.9))
  const scaleY = 1024 / height
  const shift = Math.round(
    Math.sin(row * 0.31 * scaleY + wavePhase) * (0.5 + t * 4) + Math.sin(row * 0.09 * scaleY + wavePhase * 2) * t * 5,
  )
  const counterShift = -Math.round(shift / 2)
  const ripple = 1 + 0.012 * Math.sin(row * 0.7 * scaleY + wavePhase * 3)
  const mixAmount = 0.28 + 0.42 * t
  // Two samples, one each way, soften the zig-zag a single shifted copy would draw.
  const keep = (1 - mixAmount) * 0.45 * ripple
  const [wr, wg, wb] = [water[0] * mixAmount, water[1] * mixAmount, water[2] * mixAmount]
  const from = Math.max(0, Math.floor(x0))
  const to = Math.min(width, Math.ceil(x1))
  for (let x = from, i = (y * width + from) * 3; x < to; x++, i += 3) {
    let sx = x + shift
    sx = sx < 0 ? 0 : sx >= width ? width - 1 : sx
    let cx = x + counterShift
    cx = cx < 0 ? 0 : cx >= width ? width - 1 : cx
    const s = (source * width + sx) * 3
    const c = (source * width + cx) * 3
    data[i] = (data[s]! + data[c]!) * keep + wr
    data[i + 1] = (data[s + 1]! + data[c + 1]!) * keep + wg
    data[i + 2] = (data[s + 2]! + data[c + 2]!) * keep + wb
  }
}

/** Dark, soft edges where a river meets its banks. */
function paintBanks(raster: Raster, composition: Composition, color: RGB): void {
  const river = composition.river!
  for (let row = 0; row < river.centre.length; row++) {
    const edge = 1 + river.halfWidth[row]! * 0.06
    const left = river.centre[row]! - river.halfWidth[row]!
    const right = river.centre[row]! + river.halfWidth[row]!
    blendSpan(raster, composition.horizonY + row, left - edge, left + edge * 0.5, color, 0.65)
    blendSpan(raster, composition.horizonY + row, right - edge * 0.5, right + edge, color, 0.65)
  }
}

/** Deterministic 0..1 from two numbers, for glitter that needs no random stream. */
function hash(a: number, b: number): number {
  const value = Math.sin(a * 12.9898 + b * 78.233) * 43758.5453
  return value - Math.floor(value)
}

/** Short bright dashes on the water under the sun or moon, widening towards the viewer. */
function paintGlitter(raster: Raster, composition: Composition, lightX: number, radius: number, color: RGB): void {
  const { horizonY, height, scene } = composition
  const strength = scene.timeOfDay === 'day' ? 0.45 : 0.8
  const bottom = composition.shore ? Math.min(...composition.shore) : height
  for (let y = horizonY + 1; y < bottom; y++) {
    const t = (y - horizonY) / (height - horizonY)
    const spread = radius * (0.8 + 4 * t)
    const dashes = 1 + Math.floor(t * 4)
    for (let k = 0; k < dashes; k++) {
      if (hash(y, k + composition.wavePhase) < 0.35) continue
      const offset = (hash(k, y + composition.wavePhase) - 0.5) * 2
      const x = lightX + offset * spread
      const length = radius * (0.15 + t * 0.9) * (1 - Math.abs(offset) * 0.6)
      blendSpan(raster, y, x - length, x + length, color, strength * (1 - Math.abs(offset)) * (1 - t * 0.5))
    }
  }
}
