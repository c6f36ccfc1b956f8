import { hex, mix, NAMED_COLORS, tintTowards, type RGB } from './color'
import type { ColorTarget, Scene, TimeOfDay } from './scene'

/** Every colour the painter uses for one scene. */
export interface Palette {
  skyTop: RGB
  skyMid: RGB
  skyHorizon: RGB
  /** Colour distant things fade into (atmospheric perspective). */
  haze: RGB
  sun: RGB
  glow: RGB
  moon: RGB
  star: RGB
  cloudLit: RGB
  cloudShade: RGB
  mountain: RGB
  snow: RGB
  ground: RGB
  groundNear: RGB
  tree: RGB
  trunk: RGB
  water: RGB
  building: RGB
  windowLit: RGB
  windowDark: RGB
  /** Extra window colours for neon cities. */
  neon: readonly RGB[]
}

type BasePalette = Omit<Palette, 'neon'>

const h = hex
const BASE: Readonly<Record<TimeOfDay, BasePalette>> = {
  day: {
    skyTop: h('#2a64c8'),
    skyMid: h('#5f9de6'),
    skyHorizon: h('#cde3f4'),
    haze: h('#bcd4ea'),
    sun: h('#fffbea'),
    glow: h('#fff1c8'),
    moon: h('#e8eef5'),
    star: h('#ffffff'),
    cloudLit: h('#ffffff'),
    cloudShade: h('#b4c3d8'),
    mountain: h('#4d6283'),
    snow: h('#f3f7fc'),
    ground: h('#86b85e'),
    groundNear: h('#4e8a34'),
    tree: h('#2f6a2c'),
    trunk: h('#5a3e2a'),
    water: h('#2f6ea8'),
    building: h('#66748a'),
    windowLit: h('#fff2c0'),
    windowDark: h('#9db7d6'),
  },
  dawn: {
    skyTop: h('#38508f'),
    skyMid: h('#b88bb8'),
    skyHorizon: h('#ffd1a0'),
    haze: h('#e6bfb4'),
    sun: h('#fff3d6'),
    glow: h('#ffc08a'),
    moon: h('#f0eadf'),
    star: h('#ffffff'),
    cloudLit: h('#ffd8c4'),
    cloudShade: h('#8b7aa6'),
    mountain: h('#5a5079'),
    snow: h('#fbe6e0'),
    ground: h('#6f8a58'),
    groundNear: h('#3c5633'),
    tree: h('#2a4032'),
    trunk: h('#3e2e2a'),
    water: h('#6b6fa0'),
    building: h('#5a5470'),
    windowLit: h('#ffd890'),
    windowDark: h('#a79ab8'),
  },
  sunset: {
    skyTop: h('#1d2a60'),
    skyMid: h('#c4587c'),
    skyHorizon: h('#ffb060'),
    haze: h('#d98878'),
    sun: h('#ffe6a8'),
    glow: h('#ff9448'),
    moon: h('#f6e6cf'),
    star: h('#ffffff'),
    cloudLit: h('#ffae86'),
    cloudShade: h('#6b4a7c'),
    mountain: h('#3e2c52'),
    snow: h('#f2b8a8'),
    ground: h('#4a3f3a'),
    groundNear: h('#241f24'),
    tree: h('#1c1822'),
    trunk: h('#1a1418'),
    water: h('#4b3b70'),
    building: h('#2c2438'),
    windowLit: h('#ffcf6e'),
    windowDark: h('#4c3f5a'),
  },
  night: {
    skyTop: h('#03061a'),
    skyMid: h('#0d1838'),
    skyHorizon: h('#26385e'),
    haze: h('#1e2c4c'),
    sun: h('#fff6dc'),
    glow: h('#7f9ad0'),
    moon: h('#f2f1e6'),
    star: h('#ffffff'),
    cloudLit: h('#56627e'),
    cloudShade: h('#161d30'),
    mountain: h('#0f1628'),
    snow: h('#8d9bbd'),
    ground: h('#14201a'),
    groundNear: h('#070c0a'),
    tree: h('#060a0b'),
    trunk: h('#050707'),
    water: h('#0b1530'),
    building: h('#0b0e1a'),
    windowLit: h('#ffd27a'),
    windowDark: h('#1a2034'),
  },
}

const NEON: readonly RGB[] = [h('#3ef0ff'), h('#ff3fb4'), h('#b36bff'), h('#fff07a')]
const SNOW_GROUND: Readonly<Record<TimeOfDay, readonly [string, string]>> = {
  day: ['#e8eef6', '#c9d6e6'],
  dawn: ['#f0dcd8', '#b9a6bd'],
  sunset: ['#d7a6a6', '#6d5670'],
  night: ['#52607e', '#2a3350'],
}
const SAND_GROUND: Readonly<Record<TimeOfDay, readonly [string, string]>> = {
  day: ['#e8cf96', '#c99a5a'],
  dawn: ['#e0b48e', '#9a6e56'],
  sunset: ['#c07a56', '#5a3430'],
  night: ['#2e2a36', '#15131c'],
}
const AUTUMN: Readonly<Record<TimeOfDay, string>> = {
  day: '#b0602a',
  dawn: '#9a4a2a',
  sunset: '#4a1f1a',
  night: '#120a0a',
}

type Tint = (palette: BasePalette, color: RGB) => void
/** How a colour named for a target changes the palette. */
const TINTS: Readonly<Record<Exclude<ColorTarget, 'any'>, Tint>> = {
  sky: (p, c) => {
    p.skyTop = tintTowards(p.skyTop, c, 0.55)
    p.skyMid = tintTowards(p.skyMid, c, 0.6)
    p.skyHorizon = tintTowards(p.skyHorizon, c, 0.35)
    p.haze = tintTowards(p.haze, c, 0.3)
    p.cloudShade = tintTowards(p.cloudShade, c, 0.35)
  },
  water: (p, c) => void (p.water = tintTowards(p.water, c, 0.7)),
  mountains: (p, c) => void ((p.mountain = tintTowards(p.mountain, c, 0.6)), (p.snow = tintTowards(p.snow, c, 0.2))),
  trees: (p, c) => void (p.tree = tintTowards(p.tree, c, 0.55)),
  city: (p, c) => void ((p.windowLit = mix(p.windowLit, c, 0.7)), (p.building = tintTowards(p.building, c, 0.3))),
  ground: (p, c) =>
    void ((p.ground = tintTowards(p.ground, c, 0.65)), (p.groundNear = tintTowards(p.groundNear, c, 0.65))),
  sun: (p, c) => void ((p.glow = tintTowards(p.glow, c, 0.6)), (p.sun = mix(p.sun, c, 0.3))),
  clouds: (p, c) =>
    void ((p.cloudLit = tintTowards(p.cloudLit, c, 0.6)), (p.cloudShade = tintTowards(p.cloudShade, c, 0.5))),
}

/** The palette of a scene: its time of day's colours, then its ground and season, then the colours the prompt names. Pure. */
export function paletteFor(scene: Scene): Palette {
  const palette: BasePalette = { ...BASE[scene.timeOfDay] }
  if (scene.ground !== 'grass') {
    const [far, near] = (scene.ground === 'snow' ? SNOW_GROUND : SAND_GROUND)[scene.timeOfDay]
    palette.ground = hex(far)
    palette.groundNear = hex(near)
  }
  if (scene.autumn) palette.tree = hex(AUTUMN[scene.timeOfDay])
  const general = scene.colors.filter((color) => color.target === 'any')
  for (const color of scene.colors) if (color.target !== 'any') TINTS[color.target](palette, NAMED_COLORS[color.name])
  // Unattached colours: the first tints the sky, the next the water and the lights.
  if (general[0]) TINTS.sky(palette, NAMED_COLORS[general[0].name])
  if (general[1]) TINTS.water(palette, NAMED_COLORS[general[1].name])
  const accents = general.map((color) => NAMED_COLORS[color.name] as RGB)
  if (general[1]) TINTS.city(palette, NAMED_COLORS[general[1].name])
  return { ...palette, neon: accents.length > 0 && scene.neon ? [...accents, ...NEON.slice(0, 2)] : NEON }
}
