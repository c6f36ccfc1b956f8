import { mix, scale, type RGB } from './color'
import type { Building, Composition } from './composition'
import type { Palette } from './palette'
import { createRandom } from './prng'
import { blendSpan, type Raster } from './raster'

/** Buildings far to near; windows lit at dusk and night, neon in a futuristic city. */
export function paintCity(raster: Raster, composition: Composition, palette: Palette): void {
  const isDark = composition.scene.timeOfDay === 'night' || composition.scene.timeOfDay === 'sunset'
  for (const building of composition.buildings) {
    const body = mix(palette.haze, palette.building, 0.35 + 0.65 * building.depth)
    paintBody(raster, building, body, composition, palette)
    paintWindows(raster, building, composition, palette, isDark)
  }
}

function paintBody(raster: Raster, building: Building, body: RGB, composition: Composition, palette: Palette): void {
  const litSide = composition.lightX < building.x + building.width / 2 ? 'left' : 'right'
  const edge = Math.max(1, building.width * 0.12)
  const sideColor = scale(body, composition.scene.timeOfDay === 'day' ? 1.18 : 1.08)
  for (let y = Math.floor(building.top); y < building.baseY; y++) {
    blendSpan(raster, y, building.x, building.x + building.width, body)
    const x0 = litSide === 'left' ? building.x : building.x + building.width - edge
    blendSpan(raster, y, x0, x0 + edge, sideColor)
  }
  if (!building.hasSpire) return
  const spireTop = building.top - (building.baseY - building.top) * 0.25
  for (let y = Math.floor(spireTop); y < building.top; y++)
    blendSpan(raster, y, building.x + building.width / 2 - 1, building.x + building.width / 2 + 1, body)
  if (composition.scene.neon)
    blendSpan(
      raster,
      Math.floor(spireTop),
      building.x + building.width / 2 - 2,
      building.x + building.width / 2 + 2,
      palette.neon[1] ?? palette.windowLit,
    )
}

/** A grid of windows; which are lit comes from the building's own seed. */
function paintWindows(
  raster: Raster,
  building: Building,
  composition: Composition,
  palette: Palette,
  isDark: boolean,
): void {
  const random = createRandom(building.windowSeed)
  const cell = Math.max(3, Math.min(composition.width, composition.height) * 0.012 * (0.6 + 0.6 * building.depth))
  const columns = Math.floor((building.width - cell * 0.6) / cell)
  const litShare = isDark ? 0.45 : 0.06
  const haze = 1 - (0.35 + 0.65 * building.depth)
  const neonColor = composition.scene.neon ? palette.neon[random.int(0, palette.neon.length - 1)] : undefined
  for (let top = building.top + cell * 0.8; top + cell < building.baseY; top += cell * 1.4) {
    for (let c = 0; c < columns; c++) {
      const isLit = random.chance(litShare)
      const color = isLit ? (neonColor && random.chance(0.5) ? neonColor : palette.windowLit) : palette.windowDark
      const alpha = (isLit ? 0.95 : isDark ? 0.25 : 0.45) * (1 - haze * 0.6)
      const x = building.x + cell * 0.6 + c * cell
      for (let y = Math.floor(top); y < top + cell * 0.7; y++) blendSpan(raster, y, x, x + cell * 0.55, color, alpha)
    }
  }
  if (neonColor) blendSpan(raster, Math.floor(building.top), building.x, building.x + building.width, neonColor, 0.9)
}
