import type { RGB } from './color'

/** An RGB image being painted: 3 bytes a pixel, rows top to bottom. Clamped, so additive light never wraps around. */
export interface Raster {
  readonly width: number
  readonly height: number
  readonly data: Uint8ClampedArray
}

export function createRaster(width: number, height: number): Raster {
  return { width, height, data: new Uint8ClampedArray(width * height * 3) }
}

/** Paints pixels [x0, x1) of row y with a colour blended at `alpha` (1 = opaque). */
export function blendSpan(raster: Raster, y: number, x0: number, x1: number, color: RGB, alpha = 1): void {
  if (y < 0 || y >= raster.height || alpha <= 0) return
  const from = Math.max(0, Math.floor(x0))
  const to = Math.min(raster.width, Math.ceil(x1))
  if (to <= from) return
  const data = raster.data
  const start = (y * raster.width + from) * 3
  const end = (y * raster.width + to) * 3
  if (alpha >= 1) return fillSpan(data, start, end, color)
  const [r, g, b] = color
  const keep = 1 - alpha
  for (let i = start; i < end; i += 3) {
    data[i] = data[i]! * keep + r * alpha
    data[i + 1] = data[i + 1]! * keep + g * alpha
    data[i + 2] = data[i + 2]! * keep + b * alpha
  }
}

/** Opaque fill: one pixel, then copies that double the filled run (much faster than a per-pixel loop on long rows). */
function fillSpan(data: Uint8ClampedArray, start: number, end: number, color: RGB): void {
  data[start] = color[0]
  data[start + 1] = color[1]
  data[start + 2] = color[2]
  for (let filled = 3; start + filled < end; filled *= 2)
    data.copyWithin(start + filled, start, Math.min(start + filled, end - filled))
}

/** Blends one pixel. */
export function blendPixel(raster: Raster, x: number, y: number, color: RGB, alpha: number): void {
  x |= 0
  y |= 0
  if (x < 0 || y < 0 || x >= raster.width || y >= raster.height) return
  const i = (y * raster.width + x) * 3
  const data = raster.data
  data[i] = data[i]! + (color[0] - data[i]!) * alpha
  data[i + 1] = data[i + 1]! + (color[1] - data[i + 1]!) * alpha
  data[i + 2] = data[i + 2]! + (color[2] - data[i + 2]!) * alpha
}

/** A vertical gradient through colour stops (positions 0..1) over rows [y0, y1). */
export function fillGradient(
  raster: Raster,
  y0: number,
  y1: number,
  stops: ReadonlyArray<readonly [number, RGB]>,
): void {
  const span = Math.max(1, y1 - y0)
  for (let y = Math.max(0, y0); y < Math.min(raster.height, y1); y++) {
    blendSpan(raster, y, 0, raster.width, colorAt(stops, (y - y0) / span))
  }
}

/** The colour at position t of a list of stops, with smooth easing between stops. */
export function colorAt(stops: ReadonlyArray<readonly [number, RGB]>, t: number): RGB {
  let previous = stops[0]!
  for (const stop of stops) {
    if (t <= stop[0]) {
      const range = stop[0] - previous[0]
      const local = range <= 0 ? 1 : (t - previous[0]) / range
      const eased = local * local * (3 - 2 * local)
      const [a, b] = [previous[1], stop[1]]
      return [a[0] + (b[0] - a[0]) * eased, a[1] + (b[1] - a[1]) * eased, a[2] + (b[2] - a[2]) * eased]
    }
    previous = stop
  }
  return previous[1]
}

/**
 * Adds light around a point, falling off as 1 / (1 + d²/r²): a cheap glow
 * without square roots or exponentials. `maxY` stops it at the horizon.
 */
export function addGlow(
  raster: Raster,
  cx: number,
  cy: number,
  radius: number,
  color: RGB,
  strength: number,
  maxY = raster.height,
): void {
  const reach = radius * 6
  const x0 = Math.max(0, Math.floor(cx - reach))
  const x1 = Math.min(raster.width, Math.ceil(cx + reach))
  const inverse = 1 / (radius * radius)
  const data = raster.data
  for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(maxY, raster.height, Math.ceil(cy + reach)); y++) {
    const dy2 = (y - cy) * (y - cy)
    for (let x = x0, i = (y * raster.width + x0) * 3; x < x1; x++, i += 3) {
      const dx = x - cx
      const light = strength / (1 + (dx * dx + dy2) * inverse) - strength / 37
      if (light <= 0) continue
      data[i] = data[i]! + color[0] * light
      data[i + 1] = data[i + 1]! + color[1] * light
      data[i + 2] = data[i + 2]! + color[2] * light
    }
  }
}

/** A filled disc with an anti-aliased edge. */
export function fillDisc(raster: Raster, cx: number, cy: number, radius: number, color: RGB, alpha = 1): void {
  const y0 = Math.floor(cy - radius - 1)
  const y1 = Math.ceil(cy + radius + 1)
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy
    const half2 = radius * radius - dy * dy
    if (half2 <= 0) continue
    const half = Math.sqrt(half2)
    blendSpan(raster, y, cx - half + 0.5, cx + half - 0.5, color, alpha)
    // The two edge pixels carry the coverage, which smooths the outline.
    const edge = (cx - half) % 1
    blendPixel(raster, Math.floor(cx - half), y, color, alpha * (1 - (edge < 0 ? edge + 1 : edge)))
    blendPixel(raster, Math.floor(cx + half), y, color, alpha * ((cx + half) % 1))
  }
}

/** Multiplies brightness towards the corners, like a lens. */
export function vignette(raster: Raster, strength: number): void {
  const { width, height, data } = raster
  const column = new Float32Array(width)
  for (let x = 0; x < width; x++) column[x] = ((x / width - 0.5) * 2) ** 2
  for (let y = 0; y < height; y++) {
    const row = ((y / height - 0.5) * 2) ** 2
    for (let x = 0, i = y * width * 3; x < width; x++, i += 3) {
      const factor = 1 - strength * (column[x]! + row) * 0.5
      data[i] = data[i]! * factor
      data[i + 1] = data[i + 1]! * factor
      data[i + 2] = data[i + 2]! * factor
    }
  }
}
