import { invalidRequest } from '../errors/llmkit-error'
import type { Dimensions, ImageModelInfo } from '../provider/image-model-info'
import { parseAspectRatio } from './image-size'

/** The size and aspect ratio a call will use, and a warning when they differ from the request. */
export interface ResolvedSize extends Dimensions {
  readonly aspectRatio: string
  readonly warning?: string
}

const DEFAULT_SIZE: Dimensions = { width: 1024, height: 1024 }

const ratioOf = (size: Dimensions) => size.width / size.height
const label = (size: Dimensions) => `${size.width}x${size.height}`
/** Distance between two ratios on a log scale, so 2:1 and 1:2 are equally far from 1:1. */
const ratioDistance = (a: number, b: number) => Math.abs(Math.log(a / b))

/** `16:9` for 1920x1080. */
function reduceRatio(size: Dimensions): string {
  let [a, b] = [size.width, size.height]
  while (b !== 0) [a, b] = [b, a % b]
  return `${size.width / a}:${size.height / a}`
}

function nearestRatio(target: number, ratios: readonly string[]): string {
  return [...ratios].sort(
    (a, b) => ratioDistance(parseAspectRatio(a)!, target) - ratioDistance(parseAspectRatio(b)!, target),
  )[0]!
}

function nearestSize(target: Dimensions, sizes: readonly Dimensions[]): Dimensions {
  const area = target.width * target.height
  const score = (size: Dimensions) =>
    ratioDistance(ratioOf(size), ratioOf(target)) * 10 + Math.abs(Math.log((size.width * size.height) / area))
  return [...sizes].sort((a, b) => score(a) - score(b))[0]!
}

/**
 * Fits a size into a range keeping its aspect ratio: one scale factor brings
 * both edges within bounds (and under the pixel budget), then each edge is
 * rounded to `multipleOf`. Only a ratio too extreme for the range is clamped.
 */
function fitRange(wanted: Dimensions, range: NonNullable<ImageModelInfo['sizes']['range']>): Dimensions {
  const step = range.multipleOf ?? 1
  const target = limitRatio(wanted, range.maxAspectRatio)
  const longest = Math.max(target.width, target.height)
  const shortest = Math.min(target.width, target.height)
  let scale = 1
  if (longest > range.max) scale = range.max / longest
  if (shortest * scale < range.min) scale = range.min / shortest
  if (range.maxPixels && target.width * target.height * scale * scale > range.maxPixels)
    scale = Math.sqrt(range.maxPixels / (target.width * target.height))
  const fit = (value: number, round: (x: number) => number) => {
    const rounded = round((value * scale) / step) * step
    return Math.min(Math.floor(range.max / step) * step, Math.max(Math.ceil(range.min / step) * step, rounded))
  }
  const nearest = { width: fit(target.width, Math.round), height: fit(target.height, Math.round) }
  const fitted =
    !range.maxPixels || nearest.width * nearest.height <= range.maxPixels
      ? nearest
      : { width: fit(target.width, Math.floor), height: fit(target.height, Math.floor) }
  return keepRatio(fitted, range.maxAspectRatio, step)
}

/** The same area at the steepest allowed ratio, when the wanted one is steeper. */
function limitRatio(size: Dimensions, maxRatio: number | undefined): Dimensions {
  const long = Math.max(size.width, size.height)
  const short = Math.min(size.width, size.height)
  if (!maxRatio || long / short <= maxRatio) return size
  const area = size.width * size.height
  const [newLong, newShort] = [Math.sqrt(area * maxRatio), Math.sqrt(area / maxRatio)]
  return size.width >= size.height ? { width: newLong, height: newShort } : { width: newShort, height: newLong }
}

/** Rounding to the step may tip a ratio just over the limit: shorten the long edge by steps until it fits. */
function keepRatio(size: Dimensions, maxRatio: number | undefined, step: number): Dimensions {
  if (!maxRatio) return size
  let { width, height } = size
  while (width / height > maxRatio && width > step) width -= step
  while (height / width > maxRatio && height > step) height -= step
  return { width, height }
}

/** The requested dimensions: the size, or the requested ratio at the size's area. */
function requestedDimensions(
  model: ImageModelInfo,
  size: Dimensions | undefined,
  aspectRatio: string | undefined,
): Dimensions {
  const base = size ?? model.defaultSize ?? DEFAULT_SIZE
  const ratio = aspectRatio ? parseAspectRatio(aspectRatio) : undefined
  if (!ratio || size) return { width: base.width, height: base.height }
  const area = base.width * base.height
  return { width: Math.round(Math.sqrt(area * ratio)), height: Math.round(Math.sqrt(area / ratio)) }
}

/**
 * Resolves the request's size and aspect ratio against a model's accepted
 * sizes: exact when possible, otherwise the nearest accepted value with a
 * warning (or an error for `sizePolicy: 'strict'` models).
 */
export function resolveSize(model: ImageModelInfo, size?: Dimensions, aspectRatio?: string): ResolvedSize {
  const wanted = requestedDimensions(model, size, aspectRatio)
  // The common case: an exact size of a size-list model.
  if (
    !aspectRatio &&
    !model.sizes.aspectRatios &&
    model.sizes.sizes?.some((s) => s.width === wanted.width && s.height === wanted.height)
  ) {
    return { width: wanted.width, height: wanted.height, aspectRatio: reduceRatio(wanted) }
  }
  const wantedRatio = aspectRatio ?? reduceRatio(wanted)
  const { sizes, aspectRatios, range } = model.sizes
  let chosen: Dimensions = wanted
  let chosenRatio = wantedRatio
  let allowed = ''
  if (sizes?.some((s) => s.width === wanted.width && s.height === wanted.height)) {
    chosen = wanted
  } else if (range && (!aspectRatios || !aspectRatio)) {
    chosen = fitRange(wanted, range)
    chosenRatio = aspectRatio ?? reduceRatio(chosen)
    allowed = `edges from ${range.min} to ${range.max}${range.multipleOf ? `, multiples of ${range.multipleOf}` : ''}${range.maxAspectRatio ? `, aspect ratios from 1:${range.maxAspectRatio} to ${range.maxAspectRatio}:1` : ''}`
  } else if (sizes && sizes.length > 0) {
    chosen = nearestSize(wanted, sizes)
    chosenRatio = reduceRatio(chosen)
    allowed = sizes.map(label).join(', ')
  }
  if (aspectRatios && aspectRatios.length > 0) {
    chosenRatio = aspectRatios.includes(wantedRatio)
      ? wantedRatio
      : nearestRatio(parseAspectRatio(wantedRatio) ?? ratioOf(wanted), aspectRatios)
    if (!sizes && !range) {
      const ratio = parseAspectRatio(chosenRatio)!
      const area = wanted.width * wanted.height
      chosen = { width: Math.round(Math.sqrt(area * ratio)), height: Math.round(Math.sqrt(area / ratio)) }
    }
    allowed ||= `aspect ratios ${aspectRatios.join(', ')}`
  }
  // A size derived from a ratio alone is ours to round; only a visibly different ratio is worth a warning.
  const changedSize =
    size || !aspectRatio
      ? (sizes || range) && (chosen.width !== wanted.width || chosen.height !== wanted.height)
      : ratioDistance(ratioOf(chosen), parseAspectRatio(aspectRatio) ?? ratioOf(wanted)) > 0.01
  const changedRatio = aspectRatios && chosenRatio !== wantedRatio
  if (!changedSize && !changedRatio) return { ...chosen, aspectRatio: chosenRatio }
  // The model's own default needs no warning: the user asked for nothing in particular.
  if (!size && !aspectRatio) return { ...chosen, aspectRatio: chosenRatio }
  const asked = aspectRatio && !size ? `aspect ratio ${aspectRatio}` : label(wanted)
  const got = aspectRatios && !sizes && !range ? `aspect ratio ${chosenRatio}` : label(chosen)
  if (model.sizePolicy === 'strict') {
    throw invalidRequest(`${model.id} does not support ${asked}; it supports ${allowed}`, { model: model.id })
  }
  return {
    ...chosen,
    aspectRatio: chosenRatio,
    warning: `${model.id} does not support ${asked}; using ${got} (supported: ${allowed})`,
  }
}
