import { mix, scale, type RGB } from './color'
import type { Composition, Tree } from './composition'
import type { Palette } from './palette'
import { blendSpan, fillDisc, type Raster } from './raster'

interface TreeColors {
  readonly lit: RGB
  readonly mid: RGB
  readonly shadow: RGB
  readonly trunk: RGB
}

/** Trees far to near: far ones small and hazy, near ones dark and detailed. */
export function paintTrees(raster: Raster, composition: Composition, palette: Palette, trees: readonly Tree[]): void {
  const lightSide = composition.lightX < composition.width / 2 ? -1 : 1
  for (const tree of trees) {
    const mid = mix(palette.haze, palette.tree, 0.5 + 0.5 * Math.min(1, tree.depth * 2.5))
    const colors = { lit: scale(mid, 1.35), mid, shadow: scale(mid, 0.7), trunk: mix(palette.trunk, mid, 0.4) }
    if (tree.kind === 'conifer') paintConifer(raster, tree, colors, lightSide)
    else paintRoundTree(raster, tree, colors, lightSide)
  }
}

/** A fir: tiers of branches widening downwards, lit on one side. */
function paintConifer(raster: Raster, tree: Tree, colors: TreeColors, lightSide: number): void {
  const trunkRows = tree.height * 0.1
  const crownRows = tree.height - trunkRows
  const top = tree.baseY - tree.height
  const halfMax = tree.height * 0.2
  const tiers = tree.height > 40 ? 6 : 3
  const trunkHalf = Math.max(0.5, tree.height * 0.025)
  for (let y = Math.floor(top); y < tree.baseY; y++) {
    const f = (y - top) / crownRows
    if (f > 1) {
      blendSpan(raster, y, tree.x - trunkHalf, tree.x + trunkHalf, colors.trunk)
      continue
    }
    const tier = (f * tiers) % 1
    const half = Math.max(0.6, halfMax * (0.12 + 0.88 * f) * (0.6 + 0.4 * tier))
    const [left, right] = lightSide < 0 ? [colors.lit, colors.shadow] : [colors.shadow, colors.lit]
    blendSpan(raster, y, tree.x - half, tree.x, left)
    blendSpan(raster, y, tree.x, tree.x + half, right)
    // A darker band under each tier gives the branches depth.
    if (tier > 0.85) blendSpan(raster, y, tree.x - half, tree.x + half, colors.shadow, 0.5)
  }
}

/** A broadleaf tree: a trunk and a crown of overlapping blobs, shadowed below and lit towards the light. */
function paintRoundTree(raster: Raster, tree: Tree, colors: TreeColors, lightSide: number): void {
  const radius = tree.height * 0.3
  const crownY = tree.baseY - tree.height + radius * 1.15
  const trunkHalf = Math.max(0.6, tree.height * 0.035)
  for (let y = Math.floor(crownY); y < tree.baseY; y++)
    blendSpan(raster, y, tree.x - trunkHalf, tree.x + trunkHalf, colors.trunk)
  const blobs = [
    [0, 0.25, 1, colors.shadow],
    [-0.45, 0.1, 0.75, colors.mid],
    [0.45, 0.1, 0.75, colors.mid],
    [0, -0.15, 0.85, colors.mid],
    [0.25 * lightSide, -0.3, 0.55, colors.lit],
  ] as const
  for (const [dx, dy, size, color] of blobs)
    fillDisc(raster, tree.x + dx * radius, crownY + dy * radius, size * radius, color)
}
