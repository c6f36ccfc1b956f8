import type { Cloud, Ellipse, SkyBody, Star } from './composition'
import type { Random } from './prng'
import type { Scene } from './scene'

/** The sun: high at noon, low over the horizon at dawn and sunset. */
export function placeSun(
  random: Random,
  scene: Scene,
  width: number,
  height: number,
  horizonY: number,
): SkyBody | undefined {
  if (!scene.sun) return undefined
  const unit = Math.min(width, height)
  const isLow = scene.timeOfDay === 'dawn' || scene.timeOfDay === 'sunset'
  const y = isLow
    ? horizonY -
      height * random.range(0.06, scene.mountains || scene.hills ? 0.16 : 0.1) -
      (scene.hills ? height * 0.04 : 0)
    : height * random.range(0.1, 0.2)
  return { x: width * random.range(0.22, 0.78), y, radius: unit * (isLow ? 0.065 : 0.045) }
}

export function placeMoon(random: Random, scene: Scene, width: number, height: number): SkyBody | undefined {
  if (scene.moon === 'none') return undefined
  return {
    x: width * random.range(0.15, 0.85),
    y: height * random.range(scene.city ? 0.07 : 0.1, scene.city ? 0.13 : 0.24),
    radius: Math.min(width, height) * random.range(0.035, 0.05),
  }
}

/** A star field above the horizon, mostly faint. */
export function placeStars(random: Random, scene: Scene, width: number, horizonY: number): Star[] {
  if (!scene.stars) return []
  const count = Math.round((width * horizonY) / 900)
  return Array.from({ length: count }, () => ({
    x: random.range(0, width),
    y: random.range(0, horizonY),
    brightness: random.next() ** 3,
  }))
}

/** Cumulus clouds: a row of soft puffs over a flat base. */
export function placeClouds(random: Random, scene: Scene, width: number, height: number, horizonY: number): Cloud[] {
  if (scene.clouds === 'none') return []
  const count = Math.round((scene.clouds === 'many' ? 7 : 3) * Math.max(1, width / height))
  const unit = Math.min(width, height)
  return Array.from({ length: count }, () => {
    const cloudWidth = unit * random.range(0.14, 0.34)
    const x = random.range(-0.1, 1.1) * width
    const baseY = random.range(0.12, 0.62) * horizonY
    const puffs: Ellipse[] = Array.from({ length: random.int(5, 9) }, () => {
      const rx = cloudWidth * random.range(0.13, 0.26)
      const ry = rx * random.range(0.55, 0.8)
      return { x: x + random.range(-0.45, 0.45) * cloudWidth, y: baseY - ry * random.range(0.1, 0.8), rx, ry }
    })
    return { puffs, baseY, opacity: random.range(0.55, 0.9) }
  })
}
