import { invalidRequest } from '../errors/llmkit-error'

/** Smallest and largest edge a custom size may have before any model checks it. */
export const MIN_IMAGE_EDGE = 16
export const MAX_IMAGE_EDGE = 8192

/**
 * Image dimensions. The documented sizes are static members
 * (`ImageSize.Square1024`, …); `ImageSize.custom(w, h)` makes any other,
 * for models that accept it.
 */
export class ImageSize {
  /** 256x256: thumbnails, icons. */
  static readonly Square256 = new ImageSize(256, 256, 'Square256')
  /** 512x512: small avatars. */
  static readonly Square512 = new ImageSize(512, 512, 'Square512')
  /** 1024x1024: the default. */
  static readonly Square1024 = new ImageSize(1024, 1024, 'Square1024')
  /** 1024x1792: portraits, posters. */
  static readonly Portrait1024x1792 = new ImageSize(1024, 1792, 'Portrait1024x1792')
  /** 1792x1024: wide scenes, backgrounds. */
  static readonly Landscape1792x1024 = new ImageSize(1792, 1024, 'Landscape1792x1024')

  /** The documented sizes, smallest first. */
  static readonly values: readonly ImageSize[] = [
    ImageSize.Square256,
    ImageSize.Square512,
    ImageSize.Square1024,
    ImageSize.Portrait1024x1792,
    ImageSize.Landscape1792x1024,
  ]

  private constructor(
    readonly width: number,
    readonly height: number,
    /** The documented member name, or undefined for a custom size. */
    readonly name?: string,
  ) {
    Object.freeze(this)
  }

  /** Any size, for models that accept custom dimensions (checked again against the model). */
  static custom(width: number, height: number): ImageSize {
    for (const [label, value] of [
      ['width', width],
      ['height', height],
    ] as const) {
      if (!Number.isInteger(value) || value < MIN_IMAGE_EDGE || value > MAX_IMAGE_EDGE) {
        throw invalidRequest(
          `ImageSize.custom: ${label} must be an integer from ${MIN_IMAGE_EDGE} to ${MAX_IMAGE_EDGE}, got ${String(value)}`,
        )
      }
    }
    return ImageSize.values.find((s) => s.width === width && s.height === height) ?? new ImageSize(width, height)
  }

  /** Parses `1792x1024`, a documented name (`Square1024`) or `square` / `portrait` / `landscape`. */
  static parse(text: string): ImageSize {
    const value = text.trim()
    const byWord: Record<string, ImageSize> = {
      square: ImageSize.Square1024,
      portrait: ImageSize.Portrait1024x1792,
      landscape: ImageSize.Landscape1792x1024,
    }
    const named =
      byWord[value.toLowerCase()] ?? ImageSize.values.find((s) => s.name?.toLowerCase() === value.toLowerCase())
    if (named) return named
    const match = /^(\d+)\s*[xX×]\s*(\d+)$/.exec(value)
    if (!match) {
      throw invalidRequest(
        `Cannot read size "${text}": write WIDTHxHEIGHT (for example 1792x1024) or one of square, portrait, landscape`,
      )
    }
    return ImageSize.custom(Number(match[1]), Number(match[2]))
  }

  /** Width divided by height. */
  get ratio(): number {
    return this.width / this.height
  }

  /** The reduced aspect ratio, for example `7:4` for 1792x1024. */
  get aspectRatio(): string {
    const divisor = gcd(this.width, this.height)
    return `${this.width / divisor}:${this.height / divisor}`
  }

  equals(other: { width: number; height: number }): boolean {
    return this.width === other.width && this.height === other.height
  }

  /** `WIDTHxHEIGHT`, the form most APIs use. */
  toString(): string {
    return `${this.width}x${this.height}`
  }

  toJSON(): string {
    return this.toString()
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/** Parses `16:9` into a number (width / height), or undefined when malformed. */
export function parseAspectRatio(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(text.trim())
  if (!match) return undefined
  const ratio = Number(match[1]) / Number(match[2])
  return Number.isFinite(ratio) && ratio > 0 ? ratio : undefined
}
