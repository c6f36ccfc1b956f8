import type { ZodSchema } from '../util/zod-schema'
import type { LLMKitError } from '../errors/llmkit-error'
import type { ProviderHttp } from '../http/http-types'
import type { ImageFormat, ImageQuality, ImageStyle } from '../request/image-options'
import type { GeneratedImage } from '../response/generated-image'
import type { ImageUsage } from '../response/image-usage'
import type { ImageJob } from './image-job'
import type { Clock } from '../util/clock'
import type { ImageModelInfo } from './image-model-info'

/**
 * One call to a provider, after core validated the request, resolved the model,
 * snapped the size and split `n`. Providers map this to their wire format.
 */
export interface ImageCall {
  readonly model: ImageModelInfo
  readonly prompt: string
  /** Images for this call (at most `model.maxImagesPerCall`). */
  readonly n: number
  readonly width: number
  readonly height: number
  /** Aspect ratio for ratio-based APIs, snapped to the model's list when it has one. */
  readonly aspectRatio: string
  readonly quality?: ImageQuality
  readonly style?: ImageStyle
  /** The format the user asked for. */
  readonly format: ImageFormat
  readonly negativePrompt?: string
  /** Seed for this call; split calls get `seed + images before them`. */
  readonly seed?: number
  /** Provider options, already validated by the model's or provider's schema. */
  readonly options: Readonly<Record<string, unknown>>
  /** Which call of a split request this is (0-based). */
  readonly callIndex: number
}

/** What a provider reports while a call runs. */
export type ProviderProgress =
  | { readonly phase: 'queued'; readonly position?: number; readonly message?: string }
  | { readonly phase: 'running'; readonly progress?: number; readonly message?: string }
  /** A preview of an image still being drawn (OpenAI's `partial_images`); `index` counts previews from 0. */
  | { readonly phase: 'partial_image'; readonly index: number; readonly image: GeneratedImage }

export type { ImageJob, JsonValue } from './image-job'

/** Everything shared that a provider needs for one call. */
export interface ProviderContext {
  /** Send HTTP requests here: core adds retries per stage, time limits and abort. */
  readonly http: ProviderHttp
  /** Aborts when the user aborts or the deadline passes. */
  readonly signal: AbortSignal
  readonly clock: Clock
  /** Environment variables (the client's, default `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Epoch ms after which the call is abandoned. */
  readonly deadline: number
  /** Adds a warning to the response (a setting that could not be honoured exactly). */
  warn(message: string): void
  /** Reports progress of a synchronous call (job providers report through `status`). */
  progress(update: ProviderProgress): void
}

/** Images and extras from one finished call. */
export interface GenerateResult {
  readonly images: readonly GeneratedImage[]
  readonly warnings?: readonly string[]
  readonly usage?: ImageUsage
}

/** Where a job stands, as the provider's status endpoint says. */
export type JobStatus =
  | {
      readonly state: 'pending'
      readonly phase: 'queued' | 'running'
      /** Position in the provider's queue (0 = next). */
      readonly position?: number
      /** 0..1 where the provider reports it. */
      readonly progress?: number
      readonly message?: string
      /** Provider hint for when to ask again. */
      readonly pollAfterMs?: number
    }
  | ({ readonly state: 'completed' } & GenerateResult)
  | { readonly state: 'failed'; readonly error: LLMKitError }

/**
 * What a job provider's `start` (or `findSubmitted`) returns: the job's id and the data to poll it. Core builds
 * the {@link ImageJob} handle from it (provider, model, submit time and the call's settings).
 */
export interface SubmittedJob {
  /** The API's job id; it goes into status and cancel paths, so it must be a safe path segment. */
  readonly id: string
  /** Whatever else `status` and `cancel` need: plain JSON, never a key or token. */
  readonly data?: ImageJob['data']
  /** The seed the job runs with, when the provider chose one the call did not set. */
  readonly seed?: number
}

/** What `start` returns: the job, and its status when the submit already says it (Replicate's `Prefer: wait`). */
export interface StartResult extends SubmittedJob {
  readonly status?: JobStatus
}

/** A provider's own install and configuration hint (see {@link ImageProvider.setup}). */
export interface ProviderSetup {
  /** The npm package that exports the provider (`@llmkit/openai`, `llmkit-provider-bfl`). */
  readonly packageName?: string
  /** What to set to configure it, when `env.apiKey` does not say it all (`IMAGELABS_ENABLED=1`). */
  readonly configure?: string
}

/**
 * A provider plugin: a plain object made by a factory (`createOpenAI({ apiKey })`).
 * Implement `generate` for a synchronous API, or `start` + `status` (and
 * `cancel`, and `watch` where the API streams status) for a job API. Providers
 * map requests, responses and error bodies; core does retries, polling and
 * time limits.
 */
export interface ImageProvider {
  /** Short id used as the `provider:` prefix (`openai`, `fal`). */
  readonly id: string
  readonly displayName?: string
  /** `unofficial` for reverse-engineered web APIs that may change or stop without notice. */
  readonly apiStatus?: 'official' | 'unofficial'
  readonly models: readonly ImageModelInfo[]
  /** Strict zod schema of provider options, used when a model has none. */
  readonly optionsSchema?: ZodSchema<Record<string, unknown>>
  /** How a user gets and configures it, for the hints shown when one of its models is asked for while it is not registered. */
  readonly setup?: ProviderSetup
  /** Environment variables that configure it, for `fromEnv` and `llmkit models`. */
  readonly env?: { readonly apiKey?: readonly string[]; readonly baseURL?: string }
  /** Whether the provider has what it needs (its key) in `env`. Default true. */
  isConfigured?(env: Readonly<Record<string, string | undefined>>): boolean
  /**
   * What ids `resolveModel` accepts, said for people (`owner/name[:version]`).
   * Set it when such ids go into request paths: core then refuses, with this in
   * the message, any id with a part that is not a safe path segment (no `.`/`..`,
   * no percent-encoding) before `resolveModel` sees it.
   */
  readonly modelIdGrammar?: string
  /** Resolves ids outside the static catalog (`owner/name` on Replicate). Only reached with the `provider:` prefix. */
  resolveModel?(id: string): ImageModelInfo | undefined
  /** Synchronous API: one call in, images out. */
  generate?(call: ImageCall, context: ProviderContext): Promise<GenerateResult>
  /** Job API: submit and return the job's id and data (core builds the handle). */
  start?(call: ImageCall, context: ProviderContext): Promise<StartResult>
  /** Job API: ask once where the job stands. */
  status?(job: ImageJob, context: ProviderContext): Promise<JobStatus>
  /** Job API, optional: statuses pushed by the provider (a status stream) until it ends. */
  watch?(job: ImageJob, context: ProviderContext): AsyncIterable<JobStatus>
  /** Job API, optional: cancel upstream (on abort or deadline). */
  cancel?(job: ImageJob, context: ProviderContext): Promise<void>
  /**
   * Job API whose submit may hold its request open (Replicate's `Prefer: wait`), optional: when an
   * abort or the deadline cut `start` off, finds the job that submit created (if any), so core can
   * cancel it upstream or hand it back as `error.job`. `since` is when the submit began (epoch ms).
   * Called with a context of its own, bounded to 5 s.
   */
  findSubmitted?(call: ImageCall, since: number, context: ProviderContext): Promise<SubmittedJob | undefined>
}
