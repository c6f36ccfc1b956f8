/** An sRGB colour, each channel 0..255. */
export type RGB = readonly [number, number, number]

/** The colour names the prompt parser understands, with the colour each paints. */
export const NAMED_COLORS = {
  red: [214, 48, 49],
  crimson: [190, 30, 60],
  orange: [245, 140, 40],
  amber: [255, 176, 50],
  yellow: [250, 215, 70],
  gold: [235, 185, 60],
  golden: [235, 185, 60],
  green: [70, 170, 80],
  emerald: [30, 150, 100],
  teal: [30, 150, 150],
  turquoise: [60, 200, 190],
  cyan: [60, 210, 230],
  blue: [50, 110, 220],
  navy: [30, 45, 110],
  indigo: [75, 60, 160],
  purple: [140, 70, 190],
  violet: [150, 90, 210],
  magenta: [210, 60, 170],
  pink: [245, 130, 180],
  white: [245, 245, 245],
  silver: [190, 200, 210],
  grey: [128, 132, 140],
  gray: [128, 132, 140],
  black: [20, 20, 26],
  brown: [130, 85, 50],
} as const satisfies Record<string, RGB>

/** A colour name from {@link NAMED_COLORS}. */
export type ColorName = keyof typeof NAMED_COLORS

export function isColorName(word: string): word is ColorName {
  return Object.prototype.hasOwnProperty.call(NAMED_COLORS, word)
}

export function hex(value: string): RGB {
  const n = Number.parseInt(value.replace('#', ''), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

export function mix(a: RGB, b: RGB, t: number): RGB {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

export function scale(color: RGB, factor: number): RGB {
  return [Math.min(255, color[0] * factor), Math.min(255, color[1] * factor), Math.min(255, color[2] * factor)]
}

/** Relative luminance, 0..255. */
export function luminance(color: RGB): number {
  return 0.2126 * color[0] + 0.7152 * color[1] + 0.0722 * color[2]
}

/**
 * Moves `base` towards the hue of `tint` while keeping roughly its brightness,
 * so "purple" tints a night sky dark purple and a noon sky light purple.
 */
export function tintTowards(base: RGB, tint: RGB, amount: number): RGB {
  // Never brighten past the first channel that would clip: clipping turns every hue yellow.
  const ceiling = 255 / Math.max(1, tint[0], tint[1], tint[2])
  const ratio = Math.min(1.6, ceiling, Math.max(0.15, luminance(base) / Math.max(1, luminance(tint))))
  return mix(base, scale(tint, ratio), amount)
}
