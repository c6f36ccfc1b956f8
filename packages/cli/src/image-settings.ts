import { InvalidArgumentError } from 'commander'
import {
  ImageGenerationRequest,
  ImageQuality,
  ImageSize,
  ImageStyle,
  MAX_IMAGES_PER_REQUEST,
  MAX_SEED,
} from '@llmkit/sdk'

/** The offline default: the local renderer, no key, no network. */
export const DEFAULT_MODEL = 'local:sketch'
/** Default output folder (relative to the working directory). */
export const DEFAULT_OUTPUT = 'llmkit-output'

const NAMED_SIZES: Readonly<Record<string, ImageSize>> = {
  square: ImageSize.Square1024,
  landscape: ImageSize.Landscape1792x1024,
  portrait: ImageSize.Portrait1024x1792,
}

/** What one generation asks for, from flags or a JSONL line. */
export interface ImageSettings {
  prompt: string
  model: string
  n?: number
  size?: string
  quality?: string
  style?: string
  seed?: number
  negative?: string
}

/** `square`, `landscape`, `portrait` or `WIDTHxHEIGHT`. Throws `invalid_request` for anything else. */
export function parseSize(text: string): ImageSize {
  return NAMED_SIZES[text.trim().toLowerCase()] ?? ImageSize.parse(text.trim().toLowerCase())
}

/** The request for the settings; core validates every value (exit code 4 when wrong). */
export function buildRequest(settings: ImageSettings): ImageGenerationRequest {
  let request = new ImageGenerationRequest(settings.model, settings.prompt)
  if (settings.n !== undefined) request = request.with_n(settings.n)
  if (settings.size) request = request.with_size(parseSize(settings.size))
  if (settings.quality) request = request.with_quality(settings.quality as ImageQuality)
  if (settings.style) request = request.with_style(settings.style as ImageStyle)
  if (settings.seed !== undefined) request = request.with_seed(settings.seed)
  if (settings.negative) request = request.with_negative_prompt(settings.negative)
  return request
}

/** A commander argument parser for a whole number in a range (usage error, exit 2, otherwise). */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value)
    if (!/^\s*\d+\s*$/.test(value) || number < min || number > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`)
    return number
  }
}

/** A commander argument parser for a positive number. */
export function positiveNumber(value: string): number {
  const number = Number(value)
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a number greater than 0')
  return number
}

/** A commander argument parser that accepts `square|landscape|portrait|WxH`. */
export function sizeArgument(value: string): string {
  try {
    parseSize(value)
  } catch {
    throw new InvalidArgumentError('expected square, landscape, portrait or WIDTHxHEIGHT such as 1792x1024')
  }
  return value
}

export function choice(allowed: readonly string[]): (value: string) => string {
  return (value) => {
    if (!allowed.includes(value)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`)
    return value
  }
}

export const parseCount = integerIn(1, MAX_IMAGES_PER_REQUEST)
export const parseSeed = integerIn(0, MAX_SEED)
export const QUALITIES = Object.values(ImageQuality)
export const STYLES = Object.values(ImageStyle)
