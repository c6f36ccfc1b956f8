import type { Building, River, Tree } from './composition'
import type { Random } from './prng'
import type { Scene } from './scene'

/** What the land looks like where trees could stand. */
export interface Ground {
  readonly width: number
  readonly height: number
  readonly horizonY: number
  readonly river?: River
  readonly shore?: Float32Array
}

const COUNTS = { none: [0, 0, 0], few: [3, 5, 0], many: [40, 26, 3] } as const

/** Trees, far to near: a treeline on the horizon, trees on the ground, and in a forest a few big ones framing the view. */
export function placeTrees(random: Random, scene: Scene, ground: Ground): Tree[] {
  const [lineCount, groundCount, frameCount] = COUNTS[scene.trees]
  const { width, height, horizonY } = ground
  const perWidth = Math.max(1, width / height)
  const trees: Tree[] = []
  const hasTreeline = scene.water !== 'sea' && !(scene.city && scene.trees !== 'many')
  if (hasTreeline) trees.push(...treeline(random, scene, ground, Math.round(lineCount * perWidth)))
  for (let i = 0; i < Math.round(groundCount * perWidth); i++) {
    const spot = groundSpot(random, ground)
    if (!spot) continue
    const nearness = (spot.baseY - horizonY) / (height - horizonY)
    const growth = scene.trees === 'many' ? random.range(0.25, 0.45) : random.range(0.15, 0.3)
    const kind = treeKind(random, scene)
    // Broadleaf crowns are wide: keep them shorter so they do not wall off the view.
    const size = kind === 'round' ? 0.7 : 1
    trees.push({ ...spot, height: height * (0.03 + nearness * growth) * size, kind, depth: nearness })
  }
  for (let i = 0; i < frameCount; i++) {
    const side = i % 2 === 0 ? random.range(-0.04, 0.14) : random.range(0.86, 1.04)
    trees.push({
      x: width * side,
      baseY: height * random.range(1.0, 1.06),
      height: height * random.range(0.7, 0.95),
      kind: 'conifer',
      depth: 1,
    })
  }
  return trees.sort((a, b) => a.baseY - b.baseY)
}

/** Small, hazy trees along the horizon, in clusters when there are few. */
function treeline(random: Random, scene: Scene, ground: Ground, count: number): Tree[] {
  const clusters = scene.trees === 'many' ? 1 : random.int(2, 3)
  const trees: Tree[] = []
  for (let c = 0; c < clusters && count > 0; c++) {
    const centre = random.next() * ground.width
    const spread = scene.trees === 'many' ? ground.width * 0.6 : ground.width * 0.05
    for (let i = 0; i < Math.ceil(count / clusters) + (scene.trees === 'many' ? 0 : 3); i++) {
      const x =
        scene.trees === 'many' ? random.range(-0.02, 1.02) * ground.width : centre + random.range(-spread, spread)
      const baseY = ground.horizonY + random.range(0, 0.008) * ground.height
      trees.push({
        x,
        baseY,
        height: ground.height * random.range(0.025, 0.055),
        kind: treeKind(random, scene),
        depth: 0,
      })
    }
  }
  return trees
}

/** A place on dry land below the horizon, or nothing when the try lands in water. */
function groundSpot(random: Random, ground: Ground): { x: number; baseY: number } | undefined {
  const { width, height, horizonY, river, shore } = ground
  const x = random.range(-0.02, 1.02) * width
  if (shore) {
    const top = shore[Math.min(width - 1, Math.max(0, Math.round(x)))]!
    return { x, baseY: top + random.range(0.01, 1) * (height - top) }
  }
  const baseY = horizonY + random.next() ** 1.4 * (height - horizonY) * 1.05
  if (river) {
    const row = Math.min(river.centre.length - 1, Math.round(baseY - horizonY))
    if (row >= 0 && Math.abs(x - river.centre[row]!) < river.halfWidth[row]! * 1.3 + width * 0.02) return undefined
  }
  return { x, baseY }
}

function treeKind(random: Random, scene: Scene): Tree['kind'] {
  const conifers = scene.snow ? 0.95 : scene.autumn ? 0.25 : scene.trees === 'many' ? 0.65 : 0.35
  return random.chance(conifers) ? 'conifer' : 'round'
}

/** A skyline in three rows, far ones taller, highest towards the middle. */
export function placeBuildings(
  random: Random,
  scene: Scene,
  width: number,
  height: number,
  horizonY: number,
): Building[] {
  if (!scene.city) return []
  const unit = Math.min(width, height)
  const buildings: Building[] = []
  for (const depth of [0.2, 0.55, 0.9]) {
    for (let x = -random.range(0, unit * 0.05); x < width;) {
      const buildingWidth = unit * random.range(0.035, 0.08) * (0.7 + 0.5 * depth)
      const centred = Math.exp(-(((x + buildingWidth / 2) / width - 0.5) ** 2) / 0.08)
      const tall =
        height * random.range(0.06, 0.22) * (scene.neon ? 1.45 : 1) * (1.25 - 0.45 * depth) * (0.7 + 0.6 * centred)
      const top = Math.max(height * 0.06, horizonY - tall)
      buildings.push({
        x,
        width: buildingWidth,
        top,
        baseY: horizonY,
        depth,
        hasSpire: random.chance(scene.neon ? 0.3 : 0.1),
        windowSeed: random.int(0, 2 ** 31),
      })
      x += buildingWidth + unit * random.range(0, 0.012)
    }
  }
  return buildings
}
