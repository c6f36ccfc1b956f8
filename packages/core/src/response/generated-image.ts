import { LLMKitError } from '../errors/llmkit-error'
import { DEFAULT_DOWNLOAD_TIMEOUT_MS, downloadImage, type DownloadPolicy } from '../http/download'
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
  /** Time limit for the whole download. Default 120 000 ms. */
  timeoutMs?: number
  /** Client for URL downloads. Default: a shared keep-alive client. */
  http?: HttpClient
  /**
   * Which hosts the download may reach besides public addresses. Default: the
   * policy of the client that generated the image (and its provider's API
   * host), else public addresses only.
   */
  downloads?: DownloadPolicy
}

/** Options for {@link GeneratedImage.save}. */
export interface SaveOptions extends ImageDataOptions {
  /** Create missing parent folders. Default false: a missing folder is an error (a typo should not make folders). */
  mkdir?: boolean
}

/** What to do about a file system error, by its code. */
const SAVE_ADVICE: Readonly<Record<string, string>> = {
  ENOENT: 'its folder does not exist; create it first or pass { mkdir: true }',
  ENOTDIR: 'a part of the path is not a folder; choose another path',
  EISDIR: 'it is a directory; choose a file name',
  EACCES: 'no permission to write there; choose a folder you can write to',
  EPERM: 'the system does not permit writing there; choose a folder you can write to',
  EROFS: 'the file system is read-only; choose a folder on a writable disk',
  ENOSPC: 'no space left on the device; free some space or choose another disk',
  EDQUOT: 'your disk quota is used up; free some space or choose another disk',
  ELOOP: 'the path goes through too many symbolic links; choose another path',
  ENAMETOOLONG: 'the path is too long; choose a shorter one',
  EEXIST: 'a file appeared at the temporary name; try again',
  EIO: 'the disk reported an input/output error; check the disk',
}

/** A file system error from save() as an LLMKitError that says what to do (no raw errno escapes). */
function saveFailure(path: string, error: unknown): unknown {
  if (LLMKitError.isInstance(error)) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const advice =
    (code && SAVE_ADVICE[code]) ?? `the file system refused (${code ?? 'unknown error'}); choose another path`
  return new LLMKitError({
    code: 'invalid_request',
    message: `Could not save the image to ${path}: ${advice}${code ? ` (${code})` : ''}`,
    cause: error,
  })
}

/** Where an image came from, for downloads made later through `bytes()`/`save()`: that client's policy and API hosts. */
export interface DownloadTrust {
  readonly policy?: DownloadPolicy
  readonly apiHosts: readonly string[]
}

// Kept beside the (frozen) images rather than in them, so it never shows up in JSON or logs.
const trustOf = new WeakMap<GeneratedImage, DownloadTrust>()
// In-memory bytes of images made with from_bytes (the local renderer): read instead of any URL.
const heldBytes = new WeakMap<GeneratedImage, Buffer>()

/** Records which client policy and API hosts a later download of `image` is made under (core only). */
export function setDownloadTrust(image: GeneratedImage, trust: DownloadTrust): void {
  trustOf.set(image, trust)
}

const NO_HTTP = {
  send(): never {
    throw new Error('unreachable: data: URIs are decoded, not sent')
  },
}

let sharedHttp: Promise<HttpClient> | undefined
function defaultHttp(): Promise<HttpClient> {
  sharedHttp ??= import('../http/http-client').then(({ HttpClient }) => new HttpClient())
  return sharedHttp
}

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
      throw new LLMKitError({ code: 'invalid_request', message: 'GeneratedImage.from_bytes: bytes must be non-empty' })
    const m = metadata
    const image = new GeneratedImage(
      m.url,
      undefined,
      m.revised_prompt,
      m.media_type,
      m.width,
      m.height,
      m.seed,
      m.content_filtered,
    )
    heldBytes.set(image, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))
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
  async bytes(options: ImageDataOptions = {}): Promise<Buffer> {
    const held = heldBytes.get(this)
    if (held) return held
    if (this.b64_json) return Buffer.from(this.b64_json, 'base64')
    if (!this.url) throw new LLMKitError({ code: 'no_image', message: 'This image has neither url nor b64_json' })
    const trust = trustOf.get(this)
    const downloaded = await downloadImage(this.url, {
      http: options.http ?? (this.url.startsWith('data:') ? NO_HTTP : await defaultHttp()),
      signal: options.signal,
      maxBytes: options.maxBytes,
      timeoutMs: options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
      policy: options.downloads ?? trust?.policy,
      apiHosts: trust?.apiHosts,
    })
    return downloaded.bytes
  }

  /**
   * Writes the image to `path` atomically: a temporary file in the same folder,
   * created exclusively, flushed, renamed over the path, then the folder
   * flushed, so a crash never leaves half a file. Only a missing path or a
   * regular file is replaced (never a device, FIFO, socket, directory or
   * symbolic link); a missing folder is an error unless `{ mkdir: true }`.
   * Every failure is an `LLMKitError` (`invalid_request` for the path and the
   * file system, whose message says what to do). Returns the path.
   */
  async save(path: string, options: SaveOptions = {}): Promise<string> {
    if (typeof path !== 'string' || path.trim() === '')
      throw new LLMKitError({
        code: 'invalid_request',
        message: 'GeneratedImage.save: path must be a non-empty string',
      })
    const bytes = await this.bytes(options)
    try {
      await writeFileAtomic(path, bytes, { createDirectories: options.mkdir ?? false })
    } catch (error) {
      throw saveFailure(path, error)
    }
    return path
  }

  /** The defined fields only. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {}
    for (const key of FIELDS) if (this[key] !== undefined) json[key] = this[key]
    return json
  }
}
