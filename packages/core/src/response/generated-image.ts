import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { LLMKitError } from '../errors/llmkit-error'
import { writeFileAtomic } from '../util/atomic-write'
import { base64ByteLength, sniffBase64MediaType } from '../util/media-type'
import type { HttpClient } from '../http/http-client'

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

/** Options for {@link GeneratedImage.bytes} and {@link GeneratedImage.save}. */
export interface ImageDataOptions {
  signal?: AbortSignal
  /** Largest download accepted. Default 64 MiB. */
  maxBytes?: number
  /** Client for URL downloads. Default: a shared keep-alive client. */
  http?: HttpClient
}

let sharedHttp: Promise<HttpClient> | undefined
function defaultHttp(): Promise<HttpClient> {
  sharedHttp ??= import('../http/http-client').then(({ HttpClient }) => new HttpClient())
  return sharedHttp
}

/** One generated image: a URL, base64 data, or both, plus what is known about it. */
export class GeneratedImage {
  /** Download URL (`https:`, `file:` or `data:`). */
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

  /** An image known by its URL. */
  static from_url(url: string, metadata: GeneratedImageMetadata = NO_METADATA): GeneratedImage {
    if (typeof url !== 'string' || url.trim() === '')
      throw new LLMKitError({
        code: 'invalid_request',
        message: 'GeneratedImage.from_url: url must be a non-empty string',
      })
    const m = metadata
    return new GeneratedImage(
      url,
      undefined,
      m.revised_prompt,
      m.media_type,
      m.width,
      m.height,
      m.seed,
      m.content_filtered,
    )
  }

  /** An image from base64 data; the media type is read from the data when not given. */
  static from_b64(data: string, metadata: GeneratedImageMetadata = NO_METADATA): GeneratedImage {
    if (typeof data !== 'string' || data.length === 0)
      throw new LLMKitError({
        code: 'invalid_request',
        message: 'GeneratedImage.from_b64: data must be non-empty base64 text',
      })
    const m = metadata
    return new GeneratedImage(
      undefined,
      data,
      m.revised_prompt,
      m.media_type ?? sniffBase64MediaType(data),
      m.width,
      m.height,
      m.seed,
      m.content_filtered,
    )
  }

  /** A copy with another revised prompt. */
  with_revised_prompt(prompt: string): GeneratedImage {
    return this.with({ revised_prompt: prompt })
  }

  /** A copy with more metadata or data (for example base64 after a download). */
  with(patch: { url?: string; b64_json?: string } & GeneratedImageMetadata): GeneratedImage {
    const p = patch
    return new GeneratedImage(
      p.url ?? this.url,
      p.b64_json ?? this.b64_json,
      p.revised_prompt ?? this.revised_prompt,
      p.media_type ?? this.media_type,
      p.width ?? this.width,
      p.height ?? this.height,
      p.seed ?? this.seed,
      p.content_filtered ?? this.content_filtered,
    )
  }

  /** Bytes of image data held in `b64_json`, without decoding; 0 for a URL-only image. */
  get byte_length(): number {
    return this.b64_json ? base64ByteLength(this.b64_json) : 0
  }

  /** The image bytes: decoded from base64, read from a `file:`/`data:` URL, or downloaded. */
  async bytes(options: ImageDataOptions = {}): Promise<Buffer> {
    if (this.b64_json) return Buffer.from(this.b64_json, 'base64')
    if (!this.url) throw new LLMKitError({ code: 'no_image', message: 'This image has neither url nor b64_json' })
    if (this.url.startsWith('data:')) return decodeDataUrl(this.url)
    if (this.url.startsWith('file:')) return readFile(fileURLToPath(this.url))
    const http = options.http ?? (await defaultHttp())
    const response = await http.send({
      url: this.url,
      stage: 'download',
      signal: options.signal,
      maxBytes: options.maxBytes,
    })
    if (!response.ok) {
      throw new LLMKitError({
        code: response.status === 404 || response.status === 410 ? 'no_image' : 'provider_error',
        message: `Downloading the image failed with HTTP ${response.status}; image URLs from providers expire, so download soon after generating`,
        status: response.status,
        isRetryable: response.status >= 500,
      })
    }
    return response.body
  }

  /**
   * Writes the image to `path` atomically (temporary file, then rename), so a
   * crash never leaves half a file. Returns the path.
   */
  async save(path: string, options: ImageDataOptions = {}): Promise<string> {
    await writeFileAtomic(path, await this.bytes(options))
    return path
  }

  /** The defined fields only. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {}
    for (const key of FIELDS) if (this[key] !== undefined) json[key] = this[key]
    return json
  }
}

/** The bytes of a `data:` URL: base64 when it says `;base64`, else percent-encoded text (SVG). */
function decodeDataUrl(url: string): Buffer {
  const comma = url.indexOf(',')
  const payload = url.slice(comma + 1)
  return /;base64$/i.test(url.slice(0, comma))
    ? Buffer.from(payload, 'base64')
    : Buffer.from(decodeURIComponent(payload), 'utf8')
}
