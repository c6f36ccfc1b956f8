import type { Ridge, River } from './composition'
import { noiseLine } from './noise'
import type { Random } from './prng'
import type { Scene } from './scene'

/** Three mountain ranges, far and tall to near and low, standing on the horizon. */
export function placeMountains(random: Random, scene: Scene, width: number, height: number, horizonY: number): Ridge[] {
  if (!scene.mountains) return []
  const layers = [
    { depth: 0, amplitude: 0.62, floor: 0.08, feature: 0.5, roughness: 0.5 },
    { depth: 0.45, amplitude: 0.4, floor: 0.04, feature: 0.32, roughness: 0.48 },
    { depth: 0.8, amplitude: 0.22, floor: 0.01, feature: 0.22, roughness: 0.45 },
  ]
  const hasSnow = scene.snow || (scene.ground !== 'sand' && scene.timeOfDay !== 'night')
  const room = Math.min(horizonY * 0.85, height * 0.5)
  return layers.map((layer, index) => {
    const line = stretch(noiseLine(random, width, width * layer.feature, 6, layer.roughness))
    const top = new Float32Array(width)
    for (let x = 0; x < width; x++) {
      // A power above 1 sharpens the noise into peaks over wide valleys instead of a wavy band.
      top[x] = horizonY - room * (layer.floor + layer.amplitude * line[x]! ** 1.5)
    }
    const snowLineY =
      hasSnow && index < 2 ? horizonY - room * (layer.floor + layer.amplitude * (index === 0 ? 0.6 : 0.78)) : undefined
    return { top, depth: layer.depth, snowLineY }
  })
}

/** Rescales a line to span 0..1 exactly, so every range has a real peak and a real valley. */
function stretch(line: Float32Array): Float32Array {
  let [low, high] = [Infinity, -Infinity]
  for (const value of line) [low, high] = [Math.min(low, value), Math.max(high, value)]
  const range = Math.max(1e-6, high - low)
  for (let x = 0; x < line.length; x++) line[x] = (line[x]! - low) / range
  return line
}

/** Two gentle hills: one on the horizon, one in front reaching the bottom. */
export function placeHills(random: Random, scene: Scene, width: number, height: number, horizonY: number): Ridge[] {
  if (scene.water === 'lake') return [farShore(random, width, height, horizonY)]
  if (!scene.hills || scene.water === 'sea') return []
  const below = height - horizonY
  return [
    { depth: 0.3, base: horizonY + below * 0.02, amplitude: height * 0.07 },
    { depth: 0.75, base: horizonY + below * 0.35, amplitude: height * 0.09 },
  ].map((hill) => {
    const line = noiseLine(random, width, width * 0.6, 3, 0.35)
    const top = new Float32Array(width)
    for (let x = 0; x < width; x++) top[x] = hill.base - hill.amplitude * line[x]!
    return { top, depth: hill.depth }
  })
}

/** The low far bank of a lake, so it reads as a lake and not the open sea. */
function farShore(random: Random, width: number, height: number, horizonY: number): Ridge {
  const line = noiseLine(random, width, width * 0.35, 4, 0.5)
  const top = new Float32Array(width)
  for (let x = 0; x < width; x++) top[x] = horizonY + 1 - height * (0.006 + 0.03 * line[x]! ** 2)
  return { top, depth: 0.1 }
}

/** A river winding from the horizon towards the viewer, widening with perspective. */
export function placeRiver(
  random: Random,
  scene: Scene,
  width: number,
  height: number,
  horizonY: number,
): River | undefined {
  if (scene.water !== 'river') return undefined
  const rows = height - horizonY
  const centre = new Float32Array(rows)
  const halfWidth = new Float32Array(rows)
  const phase = random.range(0, Math.PI * 2)
  const bends = random.range(2.5, 4.5)
  const drift = random.range(0.35, 0.65)
  for (let row = 0; row < rows; row++) {
    const t = row / rows
    centre[row] = width * (drift + (0.5 - drift) * t + 0.2 * Math.sin(phase + Math.sqrt(t) * bends) * Math.sqrt(t))
    halfWidth[row] = width * (0.004 + 0.2 * t ** 1.6)
  }
  return { centre, halfWidth }
}

/** The near bank in front of a lake (or a sea with trees), so foreground trees have ground. */
export function placeShore(random: Random, scene: Scene, width: number, height: number): Float32Array | undefined {
  const hasShore = scene.water === 'lake' || (scene.water === 'sea' && scene.trees !== 'none')
  if (!hasShore) return undefined
  const line = noiseLine(random, width, width * 0.5, 4, 0.45)
  const shore = new Float32Array(width)
  for (let x = 0; x < width; x++) shore[x] = height * (0.93 - 0.1 * line[x]! ** 2)
  return shore
}
