import { mix, type RGB } from './color'
import type { Cloud, Composition, Ellipse, SkyBody } from './composition'
import type { Palette } from './palette'
import { addGlow, blendPixel, blendSpan, fillDisc, fillGradient, type Raster } from './raster'

/** Sky gradient, the glow of the sun or moon, stars, the discs themselves and clouds. */
export function paintSky(raster: Raster, composition: Composition, palette: Palette): void {
  const { horizonY, height } = composition
  fillGradient(raster, 0, horizonY, [
    [0, palette.skyTop],
    [0.55, palette.skyMid],
    [1, palette.skyHorizon],
  ])
  fillGradient(raster, horizonY, height, [
    [0, palette.skyHorizon],
    [1, palette.skyHorizon],
  ])
  if (composition.sun) paintSunGlow(raster, composition, composition.sun, palette)
  paintStars(raster, composition, palette.star)
  if (composition.moon) paintMoon(raster, composition, composition.moon, palette)
  if (composition.sun) {
    const { x, y, radius } = composition.sun
    fillDisc(raster, x, y, radius, palette.sun)
    // Light over the disc too, so it burns white in the middle instead of sitting on the sky like a sticker.
    addGlow(raster, x, y, radius * 0.6, palette.sun, 0.5, composition.horizonY)
  }
  for (const cloud of composition.clouds) paintCloud(raster, cloud, palette)
}

function paintSunGlow(raster: Raster, composition: Composition, sun: SkyBody, palette: Palette): void {
  const isLow = composition.scene.timeOfDay !== 'day'
  const wide = Math.max(composition.width, composition.height) * (isLow ? 0.16 : 0.1)
  addGlow(raster, sun.x, sun.y, wide, palette.glow, isLow ? 0.55 : 0.3, composition.horizonY)
  addGlow(raster, sun.x, sun.y, sun.radius * 1.1, palette.glow, 0.6, composition.horizonY)
}

function paintStars(raster: Raster, composition: Composition, color: RGB): void {
  const fadeRows = composition.horizonY * 0.35
  for (const star of composition.stars) {
    const fade = Math.min(1, (composition.horizonY - star.y) / fadeRows)
    const alpha = (0.25 + 0.75 * star.brightness) * fade
    blendPixel(raster, star.x, star.y, color, alpha)
    if (star.brightness < 0.45) continue
    // Bright stars get a small cross so they read as points of light, not dust.
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ] as const)
      blendPixel(raster, star.x + dx, star.y + dy, color, alpha * 0.45)
  }
}

function paintMoon(raster: Raster, composition: Composition, moon: SkyBody, palette: Palette): void {
  addGlow(raster, moon.x, moon.y, moon.radius * 1.6, palette.glow, 0.45, composition.horizonY)
  if (composition.scene.moon === 'crescent') return paintCrescent(raster, moon, palette.moon)
  fillDisc(raster, moon.x, moon.y, moon.radius, palette.moon)
  const maria = mix(palette.moon, palette.skyMid, 0.35)
  for (const [dx, dy, size] of [
    [-0.3, -0.2, 0.32],
    [0.22, 0.05, 0.26],
    [-0.05, 0.38, 0.2],
    [0.35, -0.35, 0.14],
  ] as const) {
    fillDisc(raster, moon.x + dx * moon.radius, moon.y + dy * moon.radius, size * moon.radius, maria, 0.35)
  }
}

/** The moon minus a slightly offset disc: the lit part of a waxing moon. */
function paintCrescent(raster: Raster, moon: SkyBody, color: RGB): void {
  const cutX = moon.x - moon.radius * 0.45
  const cutY = moon.y - moon.radius * 0.15
  for (let y = Math.floor(moon.y - moon.radius); y <= moon.y + moon.radius; y++) {
    const dy = y + 0.5 - moon.y
    const half = Math.sqrt(Math.max(0, moon.radius ** 2 - dy * dy))
    const cutDy = y + 0.5 - cutY
    const cutHalf = Math.sqrt(Math.max(0, (moon.radius * 0.95) ** 2 - cutDy * cutDy))
    const start = Math.max(moon.x - half, cutX + cutHalf)
    blendSpan(raster, y, start, moon.x + half, color)
  }
}

function paintCloud(raster: Raster, cloud: Cloud, palette: Palette): void {
  for (const puff of cloud.puffs) paintPuff(raster, puff, cloud, palette)
}

/** One soft ellipse of a cloud, lit from above, cut flat at the cloud's base. */
function paintPuff(raster: Raster, puff: Ellipse, cloud: Cloud, palette: Palette): void {
  const { width, data } = raster
  const [shade, lit] = [palette.cloudShade, palette.cloudLit]
  const x0 = Math.max(0, Math.floor(puff.x - puff.rx))
  const x1 = Math.min(width, Math.ceil(puff.x + puff.rx))
  const y1 = Math.min(raster.height, Math.ceil(Math.min(puff.y + puff.ry, cloud.baseY)))
  const inverseX = 1 / (puff.rx * puff.rx)
  const inverseY = 1 / (puff.ry * puff.ry)
  for (let y = Math.max(0, Math.floor(puff.y - puff.ry)); y < y1; y++) {
    const dy2 = (y - puff.y) * (y - puff.y) * inverseY
    const light = Math.min(1, Math.max(0, (cloud.baseY - y) / (puff.ry * 1.8)))
    // Feather the flat underside instead of cutting it with a ruler.
    const underside = Math.min(1, (cloud.baseY - y) / (puff.ry * 0.35))
    const r = shade[0] + (lit[0] - shade[0]) * light
    const g = shade[1] + (lit[1] - shade[1]) * light
    const b = shade[2] + (lit[2] - shade[2]) * light
    for (let x = x0, i = (y * width + x0) * 3; x < x1; x++, i += 3) {
      const inside = 1 - ((x - puff.x) * (x - puff.x) * inverseX + dy2)
      if (inside <= 0) continue
      const alpha = cloud.opacity * underside * Math.min(1, inside * 2.5)
      data[i] = data[i]! + (r - data[i]!) * alpha
      data[i + 1] = data[i + 1]! + (g - data[i + 1]!) * alpha
      data[i + 2] = data[i + 2]! + (b - data[i + 2]!) * alpha
    }
  }
}
