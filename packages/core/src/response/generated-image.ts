import { invalidRequest } from '../errors/llmkit-error'
import { base64ByteLength, sniffBase64MediaType } from '../util/media-type'
import { heldBytes, readImageBytes, trustOf, type ImageDataOptions, type SaveOptions } from './image-file'
export { setDownloadTrust, type DownloadTrust, type ImageDataOptions, type SaveOptions } from './image-file'

/** What is known about an image besides its data. */
export interface GeneratedImageMetadata {
  revised_prompt?: string
  /** `image/png`, `image/jpeg`, `image/webp`, `image/svg+xml`, … */
  media_type?: string
  width?: number
  height?: number
  /** The seed that produced this image, where the provider reports or honours one. */
  seed?: number
  /** True when the provider flagged this image (for example fal's `has_nsfw_concepts`). */
  content_filtered?: boolean
}

const NO_METADATA: GeneratedImageMetadata = Object.freeze({})

const FIELDS = [
  'url',
  'b64_json',
  'revised_prompt',
  'media_type',
  'width',
  'height',
  'seed',
  'content_filtered',
] as const

/** One generated image: a URL, base64 data, or both, plus what is known about it. */
export class GeneratedImage {
  /** Download URL (`https:` or `data:`; a `file:` URL from the local renderer is shown, never read). */
  declare readonly url?: string
  /** Base64-encoded image bytes. */
  declare readonly b64_json?: string
  /** The prompt the model actually used, where it rewrites prompts (DALL-E 3). */
  declare readonly revised_prompt?: string
  declare readonly media_type?: string
  declare readonly width?: number
  declare readonly height?: number
  declare readonly seed?: number
  declare readonly content_filtered?: boolean

  // Positional and always every field, in one order: one object shape for all
  // images, and no intermediate objects. (JSON drops the undefined ones.)
  private constructor(
    url: string | undefined,
    b64_json: string | undefined,
    revised_prompt: string | undefined,
    media_type: string | undefined,
    width: number | undefined,
    height: number | undefined,
    seed: number | undefined,
    content_filtered: boolean | undefined,
  ) {
    this.url = url
    this.b64_json = b64_json
    this.revised_prompt = revised_prompt
    this.media_type = media_type
    this.width = width
    this.height = height
    this.seed = seed
    this.content_filtered = content_filtered
    Object.freeze(this)
  }

  /** An image from its data and metadata (every field, in the constructor's one order). */
  private static of(
    url: string | undefined,
    b64_json: string | undefined,
    media_type: string | undefined,
    m: GeneratedImageMetadata,
  ): GeneratedImage {
    return new GeneratedImage(
      url,
      b64_json,
      m.revised_prompt,
      media_type,
      m.width,
      m.height,
      m.seed,
      m.content_filtered,
    )
  }

  /** An image known by its URL. */
  static from_url(url: string, metadata: GeneratedImageMetadata = NO_METADATA): GeneratedImage {
    if (typeof url !== 'string' || url.trim() === '')
      throw invalidRequest('GeneratedImage.from_url: url must be a non-empty string')
    return GeneratedImage.of(url, undefined, metadata.media_type, metadata)
  }

  /** An image from base64 data; the media type is read from the data when not given. */
  static from_b64(data: string, metadata: GeneratedImageMetadata = NO_METADATA): GeneratedImage {
    if (typeof data !== 'string' || data.length === 0)
      throw invalidRequest('GeneratedImage.from_b64: data must be non-empty base64 text')
    return GeneratedImage.of(undefined, data, metadata.media_type ?? sniffBase64MediaType(data), metadata)
  }

  /**
   * An image whose bytes are already in memory (the local renderer's).
   * `bytes()` and `save()` use them; `metadata.url`, if given, is only shown
   * (for example the `file:` URL of a copy on disk) and never read.
   */
  static from_bytes(
    bytes: Uint8Array,
    metadata: GeneratedImageMetadata & { url?: string } = NO_METADATA,
  ): GeneratedImage {
    if (!(bytes instanceof Uint8Array) || bytes.length === 0)
      throw invalidRequest('GeneratedImage.from_bytes: bytes must be non-empty')
    const image = GeneratedImage.of(metadata.url, undefined, metadata.media_type, metadata)
    heldBytes.set(image, bytes)
    return image
  }

  /** A copy with another revised prompt. */
  with_revised_prompt(prompt: string): GeneratedImage {
    return this.with({ revised_prompt: prompt })
  }

  /** A copy with more metadata or data (for example base64 after a download). */
  with(patch: { url?: string; b64_json?: string } & GeneratedImageMetadata): GeneratedImage {
    const p = patch
    const copy = new GeneratedImage(
      p.url ?? this.url,
      p.b64_json ?? this.b64_json,
      p.revised_prompt ?? this.revised_prompt,
      p.media_type ?? this.media_type,
      p.width ?? this.width,
      p.height ?? this.height,
      p.seed ?? this.seed,
      p.content_filtered ?? this.content_filtered,
    )
    const trust = trustOf.get(this)
    if (trust) trustOf.set(copy, trust)
    const held = heldBytes.get(this)
    if (held && p.url === undefined) heldBytes.set(copy, held)
    return copy
  }

  /** Bytes of image data held (in `b64_json`, or in memory), without decoding; 0 for a URL-only image. */
  get byte_length(): number {
    return this.b64_json ? base64ByteLength(this.b64_json) : (heldBytes.get(this)?.length ?? 0)
  }

  /**
   * The image bytes: decoded from base64, or read from the URL through core's
   * one download function (`http:`/`https:` under the host policy, size limit,
   * deadline and abort; well-formed `data:image/…` URIs). Never `file:`.
   */
  async bytes(options: ImageDataOptions = {}): Promise<Uint8Array> {
    return readImageBytes(this, options)
  }

  /**
   * Writes the image to `path` atomically (exclusive temporary file in the same folder, flushed, renamed, folder
   * flushed): a crash never leaves half a file. Replaces only a missing path or a regular file; a missing folder
   * is an error unless `{ mkdir: true }`. Failures are `LLMKitError`s saying what to do. Returns the path.
   */
  async save(path: string, options: SaveOptions = {}): Promise<string> {
    return (await import('./save-image')).saveImage(this, path, options)
  }

  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {}
    for (const key of FIELDS) if (this[key] !== undefined) json[key] = this[key]
    return json
  }
}
