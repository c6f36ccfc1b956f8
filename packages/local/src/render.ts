import { composeScene } from './compose'
import type { Composition } from './composition'
import { paletteFor } from './palette'
import { paintCity } from './paint-city'
import { paintGround, paintHaze, paintMountains, paintShore } from './paint-land'
import { paintRays } from './paint-light'
import { paintSky } from './paint-sky'
import { paintTrees } from './paint-trees'
import { paintWater } from './paint-water'
import { encodePng } from './png'
import { createRaster, vignette, type Raster } from './raster'
import { parseScene, type Scene } from './scene'

/** Size and seed of one picture. */
export interface RenderOptions {
  readonly width: number
  readonly height: number
  /** 0..2^32-1; the same scene, size and seed give the same pixels. */
  readonly seed: number
}

/** A painted picture: RGB pixels (3 bytes each, rows top to bottom) and the layout they were painted from. */
export interface Rendering {
  readonly pixels: Uint8ClampedArray
  readonly composition: Composition
}

/**
 * Paints a scene back to front: sky, mountains, city, ground and the
 * treeline, then water reflecting all of that, then the near shore and trees,
 * then light.
 */
export function renderScene(scene: Scene, options: RenderOptions): Rendering {
  const composition = composeScene(scene, options.width, options.height, options.seed)
  const palette = paletteFor(scene)
  const raster: Raster = createRaster(options.width, options.height)
  const isReflected = (depth: number) => depth === 0
  paintSky(raster, composition, palette)
  paintMountains(raster, composition, palette)
  paintHaze(raster, composition, palette)
  paintCity(raster, composition, palette)
  paintGround(raster, composition, palette)
  paintTrees(
    raster,
    composition,
    palette,
    composition.trees.filter((tree) => isReflected(tree.depth)),
  )
  paintWater(raster, composition, palette)
  paintShore(raster, composition, palette)
  paintTrees(
    raster,
    composition,
    palette,
    composition.trees.filter((tree) => !isReflected(tree.depth)),
  )
  paintRays(raster, composition, palette, options.seed)
  vignette(raster, 0.22)
  return { pixels: raster.data, composition }
}

/** Prompt in, PNG bytes out: parse, paint, encode. */
export function renderPng(prompt: string, options: RenderOptions & { readonly negativePrompt?: string }): Uint8Array {
  const { pixels } = renderScene(parseScene(prompt, options.negativePrompt), options)
  return encodePng(pixels, options.width, options.height)
}
