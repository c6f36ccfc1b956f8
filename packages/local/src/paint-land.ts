import { mix, scale, type RGB } from './color'
import type { Composition, Ridge } from './composition'
import type { Palette } from './palette'
import { blendSpan, fillGradient, type Raster } from './raster'

interface RidgeStyle {
  readonly color: RGB
  /** Colour towards the ridge's bottom (mist in valleys, darker near ground). */
  readonly bottomColor: RGB
  readonly bottomY: number
  /** How much faces turned to or away from the light change. */
  readonly shading: number
  readonly snow?: RGB
}

/** Mountain ranges far to near, each hazier the farther it is (atmospheric perspective). */
export function paintMountains(raster: Raster, composition: Composition, palette: Palette): void {
  for (const ridge of composition.mountains) {
    const haze = 0.62 - 0.55 * ridge.depth
    const color = mix(palette.mountain, palette.haze, haze)
    const snow = mix(palette.snow, palette.haze, haze * 0.5)
    paintRidge(raster, composition, ridge, {
      color,
      bottomColor: mix(color, palette.haze, 0.45),
      bottomY: composition.horizonY + 1,
      shading: 0.3,
      snow,
    })
  }
}

/** The ground below the horizon (none over a lake or sea), then rolling hills or a lake's far bank over it. */
export function paintGround(raster: Raster, composition: Composition, palette: Palette): void {
  const isWater = composition.scene.water === 'sea' || composition.scene.water === 'lake'
  const far = mix(palette.ground, palette.haze, 0.35)
  if (!isWater)
    fillGradient(raster, composition.horizonY, composition.height, [
      [0, far],
      [0.35, palette.ground],
      [1, palette.groundNear],
    ])
  for (const hill of composition.hills) {
    const color = mix(palette.ground, palette.haze, 0.45 * (1 - hill.depth))
    const bottomY = isWater ? composition.horizonY + 1 : composition.height
    paintRidge(raster, composition, hill, {
      color,
      bottomColor: isWater ? color : palette.groundNear,
      bottomY,
      shading: 0.18,
    })
  }
}

/** The near bank in front of water, with a soft edge, darkening towards the viewer. */
export function paintShore(raster: Raster, composition: Composition, palette: Palette): void {
  const shore = composition.shore
  if (!shore) return
  const { width, height, data } = raster
  let top = height
  for (const y of shore) top = Math.min(top, y)
  for (let y = Math.floor(top); y < height; y++) {
    const [r, g, b] = mix(palette.ground, palette.groundNear, Math.min(1, (y - top) / Math.max(1, height - top) + 0.35))
    for (let x = 0, i = y * width * 3; x < width; x++, i += 3) {
      const cover = y + 1 - shore[x]!
      if (cover <= 0) continue
      const alpha = cover >= 1 ? 1 : cover
      data[i] = data[i]! + (r - data[i]!) * alpha
      data[i + 1] = data[i + 1]! + (g - data[i + 1]!) * alpha
      data[i + 2] = data[i + 2]! + (b - data[i + 2]!) * alpha
    }
  }
}

/** A band of haze along the horizon; thick when the prompt asks for fog. */
export function paintHaze(raster: Raster, composition: Composition, palette: Palette): void {
  const { horizonY, height, scene } = composition
  const strength = scene.fog ? 0.75 : 0.22
  const band = height * (scene.fog ? 0.09 : 0.035)
  const centre = horizonY - band * 0.4
  const color = mix(palette.haze, palette.skyHorizon, 0.5)
  for (let y = Math.floor(centre - band * 3); y < Math.min(height, centre + band * 2); y++) {
    const d = (y - centre) / band
    blendSpan(raster, y, 0, raster.width, color, strength * Math.exp(-d * d))
  }
}

/** One outline filled down to `bottomY`, anti-aliased on top, lit on the faces that turn to the light, snow above the snow line. */
function paintRidge(raster: Raster, composition: Composition, ridge: Ridge, style: RidgeStyle): void {
  const { width, data } = raster
  const top = ridge.top
  const lightSide = composition.lightX < width / 2 ? -1 : 1
  const faces = faceLight(top, lightSide, style.shading)
  const lit = scale(style.color, 1.35)
  const dark = scale(style.color, 0.62)
  let minTop = Infinity
  for (let x = 0; x < width; x++) minTop = Math.min(minTop, top[x]!)
  const span = Math.max(1, style.bottomY - minTop)
  const fadeRows = span * 0.16
  const snowEdge = style.snow && ridge.snowLineY !== undefined ? snowLine(top, ridge.snowLineY, span) : undefined
  for (let y = Math.max(0, Math.floor(minTop)); y < Math.min(raster.height, style.bottomY); y++) {
    const depthT = (y - minTop) / span
    const base = mix(style.color, style.bottomColor, depthT * depthT)
    for (let x = 0, i = y * width * 3; x < width; x++, i += 3) {
      const below = y + 1 - top[x]!
      if (below <= 0) continue
      const face = faces[x]! * Math.max(0, 1 - (y - top[x]!) / fadeRows)
      const target = face > 0 ? lit : dark
      const amount = face > 0 ? face : -face
      let r = base[0] + (target[0] - base[0]) * amount
      let g = base[1] + (target[1] - base[1]) * amount
      let b = base[2] + (target[2] - base[2]) * amount
      if (snowEdge && style.snow && y < snowEdge[x]!) {
        const shade = 0.86 + 0.5 * (face < -0.28 ? -0.28 : face > 0.28 ? 0.28 : face)
        r = style.snow[0] * shade
        g = style.snow[1] * shade
        b = style.snow[2] * (0.06 + shade * 0.94)
      }
      const alpha = below >= 1 ? 1 : below
      data[i] = data[i]! + (r - data[i]!) * alpha
      data[i + 1] = data[i + 1]! + (g - data[i + 1]!) * alpha
      data[i + 2] = data[i + 2]! + (b - data[i + 2]!) * alpha
    }
  }
}

/** -1..1 per column: how squarely the slope faces the light, smoothed so faces do not streak. */
function faceLight(top: Float32Array, lightSide: number, strength: number): Float32Array {
  const width = top.length
  const raw = new Float32Array(width)
  // A wide window measures the slope of the face, not the jitter of the outline.
  const reach = Math.max(3, Math.round(width / 120))
  for (let x = 0; x < width; x++) {
    const slope = (top[Math.min(width - 1, x + reach)]! - top[Math.max(0, x - reach)]!) / reach
    raw[x] = Math.max(-1, Math.min(1, slope * lightSide * 1.2)) * strength * 1.6
  }
  const faces = new Float32Array(width)
  let sum = 0
  for (let x = -reach; x < width; x++) {
    sum += raw[Math.min(width - 1, x + reach)]! - (x - reach - 1 >= 0 ? raw[x - reach - 1]! : 0)
    if (x >= 0) faces[x] = sum / (Math.min(width - 1, x + reach) - Math.max(0, x - reach) + 1)
  }
  return faces
}

/** The lowest snowy row per column: uneven, with streaks down the gullies rather than a ruler line. */
function snowLine(top: Float32Array, snowLineY: number, span: number): Float32Array {
  const edge = new Float32Array(top.length)
  const phase = top[0]! * 0.01
  for (let x = 0; x < top.length; x++) {
    const jitter = 0.04 * Math.sin(x * 0.045 + phase) + 0.025 * Math.sin(x * 0.17 + 1.3) + 0.015 * Math.sin(x * 0.53)
    edge[x] = snowLineY + jitter * span
  }
  return edge
}
