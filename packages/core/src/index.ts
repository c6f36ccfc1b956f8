export { LLMKitError, invalidRequest, isAbortError } from './errors/llmkit-error'
export type { LLMKitErrorCode, LLMKitErrorOptions } from './errors/llmkit-error'
export { errorFromResponse, codeForStatus } from './errors/http-error'
export type { ResponseErrorInput } from './errors/http-error'
export { redactSecrets, excerpt } from './errors/redact'

export { ImageSize, parseAspectRatio } from './request/image-size'
export { ImageQuality, ImageStyle, ImageFormat } from './request/image-options'
export { ImageGenerationRequest, MAX_IMAGES_PER_REQUEST, MAX_SEED } from './request/image-generation-request'
export type { ImageGenerationRequestData } from './request/image-generation-request'
export type { ImageModelIds, ImageModelId } from './request/model-ids'
export { resolveSize } from './request/resolve-size'
export type { ResolvedSize } from './request/resolve-size'

export { GeneratedImage } from './response/generated-image'
export type { GeneratedImageMetadata, ImageDataOptions, SaveOptions } from './response/generated-image'
export { ImageGenerationResponse } from './response/image-generation-response'
export type { CallFailure, ImageGenerationResponseInit } from './response/image-generation-response'
export type { ImageUsage } from './response/image-usage'

export type { Dimensions, ModelSizes, ImageModelInfo } from './provider/image-model-info'
export type {
  ImageProvider,
  ImageCall,
  JobStatus,
  StartResult,
  SubmittedJob,
  ProviderSetup,
  GenerateResult,
  ProviderContext,
  ProviderProgress,
} from './provider/image-provider'
export { providerHint } from './provider/provider-hint'
export { isImageProvider } from './provider/is-image-provider'
export { importFrom, writeFileAtomic } from './platform/node-only'
export type { ProviderHint } from './provider/provider-hint'
export type { ImageJob, JsonValue } from './provider/image-job'
export { loadApiKey, hasEnv, resolveBaseURL, versionedBaseURL, unversionedBaseURL } from './provider/provider-settings'
export type { LoadApiKeyOptions } from './provider/provider-settings'

export { LLMKitClient } from './client/llmkit-client'
export { optionsFromEnv } from './client/client-options'
export type { LLMKitClientOptions, GenerateOptions, FromEnvOptions } from './client/client-options'
export type { ImageProgressEvent } from './call/progress-event'
export type { ModelListing, ResolvedModel } from './client/model-registry'

export { HttpClient, safeUrl } from './http/http-client'
export { downloadImage, DEFAULT_DOWNLOAD_MAX_BYTES } from './http/image-download'
export type { DownloadPolicy, DownloadSettings, DownloadedImage } from './http/image-download'
export { parseResponse } from './http/parse-response'
export type { AnswerCheck, AnswerSource } from './http/parse-response'
export { joinUrlPath, isSafePathSegment, PATH_SEGMENT_GRAMMAR } from './http/url-path'
export type { HttpClientOptions } from './http/http-client'
export type { HttpRequest, HttpResponse, HttpStage, HttpStreamResponse, ProviderHttp } from './http/http-types'
export { STAGE_TIMEOUT_MS } from './http/http-types'
export { parseRetryAfter, isRetryableStatus } from './retry/retry-policy'
export type { RetryOptions } from './retry/retry-policy'
export { DEFAULT_RETRY, DEFAULT_STAGE_RETRIES } from './retry/retry-policy'
export { nextPollDelay } from './poll/poll-interval'
export { jobHandle } from './poll/job-handle'
export type { PollOptions, PollState } from './poll/poll-interval'

export { systemClock, sleep } from './util/clock'
export { mapBounded } from './util/map-bounded'
export { definedFields } from './util/defined-fields'
export { isProcessAlive } from './util/process-alive'
export type { Clock } from './util/clock'
export type { AtomicWriteOptions } from './platform/platform'
export { exitWithParents } from './util/exit-with-parents'
export { sniffMediaType, sniffBase64MediaType, extensionFor, base64ByteLength } from './util/media-type'
export { parseServerSentEvents } from './http/server-sent-events'
export type { ServerSentEvent } from './http/server-sent-events'
export { closeMatches } from './catalog/close-matches'
export { parseJsonWith } from './util/parse-json'
export { safeParseWith } from './util/zod-schema'
export type { ZodSchema } from './util/zod-schema'
