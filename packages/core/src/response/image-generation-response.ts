import type { LLMKitError } from '../errors/llmkit-error'
import type { ImageJob } from '../provider/image-job'
import type { ImageUsage } from './image-usage'
import type { GeneratedImage } from './generated-image'

/** A call that failed while others of the same request succeeded. */
export interface CallFailure {
  /** Which call (0-based) of the split request failed. */
  callIndex: number
  /** How many images that call was for. */
  n: number
  error: LLMKitError
}

/** Everything {@link ImageGenerationResponse} is made from. */
export interface ImageGenerationResponseInit {
  images: readonly GeneratedImage[]
  model: string
  provider: string
  created?: number
  warnings?: readonly string[]
  failures?: readonly CallFailure[]
  usage?: ImageUsage
  jobs?: readonly ImageJob[]
}

const EMPTY: readonly never[] = Object.freeze([])

/** A frozen array: the same one when it is frozen already (nobody can change it), else a frozen copy. */
function frozenCopy<T>(items: readonly T[] | undefined): readonly T[] {
  if (!items || items.length === 0) return EMPTY
  return Object.isFrozen(items) ? items : Object.freeze([...items])
}

/** The result of `generateImage`: the images plus what happened on the way. */
export class ImageGenerationResponse {
  // Declared, not defined: the constructor assigns every field in this order (a smaller build, the same object).
  /** Unix timestamp (seconds) of creation. */
  declare readonly created: number
  declare readonly images: readonly GeneratedImage[]
  /** Canonical model id that produced the images. */
  declare readonly model: string
  /** Provider id that served the request. */
  declare readonly provider: string
  /** Settings the model could not honour exactly, and other things worth knowing. */
  declare readonly warnings: readonly string[]
  /** Calls that failed when `n` was split and other calls succeeded. */
  declare readonly failures: readonly CallFailure[]
  declare readonly usage?: ImageUsage
  /** Job handles of job-based providers, for records. */
  declare readonly jobs: readonly ImageJob[]

  constructor(init: ImageGenerationResponseInit) {
    this.created = init.created ?? Math.floor(Date.now() / 1000)
    this.images = frozenCopy(init.images)
    this.model = init.model
    this.provider = init.provider
    this.warnings = frozenCopy(init.warnings)
    this.failures = frozenCopy(init.failures)
    this.usage = init.usage
    this.jobs = frozenCopy(init.jobs)
    Object.freeze(this)
  }

  /** Number of images. */
  get count(): number {
    return this.images.length
  }

  /** Total bytes of image data held in the response (base64 images; URL-only images count 0). */
  get total_size(): number {
    return this.images.reduce((sum, image) => sum + image.byte_length, 0)
  }

  /** The first image, or undefined when there is none. */
  first(): GeneratedImage | undefined {
    return this.images[0]
  }

  toJSON(): Record<string, unknown> {
    const { created, images, model, provider, warnings, usage } = this
    return {
      created,
      model,
      provider,
      count: this.count,
      total_size: this.total_size,
      warnings,
      usage,
      images,
      failures: this.failures.map((f) => ({ callIndex: f.callIndex, n: f.n, error: f.error.toJSON() })),
    }
  }
}
