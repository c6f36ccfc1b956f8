import type { Composition } from './composition'
import { placeHills, placeMountains, placeRiver, placeShore } from './compose-land'
import { placeBuildings, placeTrees } from './compose-life'
import { placeClouds, placeMoon, placeStars, placeSun } from './compose-sky'
import { createRandom, deriveSeed } from './prng'
import type { Scene } from './scene'

/** Where the sky meets land or water, as a share of the height. */
function horizonShare(scene: Scene): number {
  if (scene.water === 'sea' || scene.water === 'lake') return 0.6
  if (scene.city) return 0.8
  if (scene.mountains) return 0.7
  return 0.62
}

/**
 * Lays out a scene at a size: every element gets its own seeded stream, so
 * removing the trees does not move the mountains. Pure and deterministic.
 */
export function composeScene(scene: Scene, width: number, height: number, seed: number): Composition {
  const stream = (label: string) => createRandom(deriveSeed(seed, label))
  const horizonY = Math.round(height * horizonShare(scene))
  const sun = placeSun(stream('sun'), scene, width, height, horizonY)
  const moon = placeMoon(stream('moon'), scene, width, height)
  const river = placeRiver(stream('river'), scene, width, height, horizonY)
  const shore = placeShore(stream('shore'), scene, width, height)
  return {
    scene,
    width,
    height,
    horizonY,
    sun,
    moon,
    lightX: sun?.x ?? moon?.x ?? width / 2,
    stars: placeStars(stream('stars'), scene, width, horizonY),
    clouds: placeClouds(stream('clouds'), scene, width, height, horizonY),
    mountains: placeMountains(stream('mountains'), scene, width, height, horizonY),
    hills: placeHills(stream('hills'), scene, width, height, horizonY),
    buildings: placeBuildings(stream('city'), scene, width, height, horizonY),
    trees: placeTrees(stream('trees'), scene, { width, height, horizonY, river, shore }),
    river,
    shore,
    wavePhase: stream('water').range(0, Math.PI * 2),
  }
}
