import {
  hasEnv,
  loadApiKey,
  resolveBaseURL,
  versionedBaseURL,
  type ImageProvider,
  type ProviderContext,
} from '@llmkit/core'
import {
  cancelReplicatePrediction,
  findCutOffPrediction,
  replicatePredictionStatus,
  startReplicatePrediction,
  type ReplicateRequestConfig,
} from './replicate-image-model'
import { REPLICATE_IMAGE_MODELS, resolveReplicateModel } from './replicate-models'
import { replicateImageOptionsSchema } from './replicate-options'

/** Settings for {@link createReplicate}. Every field is optional; the token comes from the environment. */
export interface ReplicateProviderSettings {
  /** API token. Default: `REPLICATE_API_TOKEN`. */
  apiKey?: string
  /** API base URL, with or without `/v1`. Default: `REPLICATE_BASE_URL`, else `https://api.replicate.com/v1`. */
  baseURL?: string
  /** Extra headers on every request. */
  headers?: Record<string, string>
  /**
   * How long a create request may hold for the result (`Prefer: wait=N`), in
   * seconds, 1–60; shortened to fit the call's deadline. Predictions that finish
   * in time need no poll. 0 turns it off: the job handle arrives at once, so an
   * abort can cancel it and a crash can resume it from the first moment. Default 60.
   */
  waitSeconds?: number
  /**
   * Send `Cancel-After` with what is left of the call's deadline, so Replicate
   * cancels a prediction nobody waits for any more, even when this process is
   * gone. Set false when you keep predictions past the deadline
   * (`cancelOnTimeout: false`) to `resumeImage` them later. Default true.
   */
  cancelAfterDeadline?: boolean
}

const KEY_ENV = ['REPLICATE_API_TOKEN'] as const

/** Creates the Replicate provider (predictions API; FLUX, SDXL and any `owner/name[:version]`). */
export function createReplicate(settings: ReplicateProviderSettings = {}): ImageProvider {
  const config = (context: ProviderContext): ReplicateRequestConfig => {
    const apiKey = loadApiKey({
      apiKey: settings.apiKey,
      env: context.env,
      names: KEY_ENV,
      provider: 'replicate',
      factory: 'createReplicate',
    })
    return {
      baseURL: versionedBaseURL(
        resolveBaseURL(settings.baseURL, context.env, 'REPLICATE_BASE_URL', 'https://api.replicate.com/v1'),
      ),
      headers: { ...settings.headers, authorization: `Bearer ${apiKey}` },
      secrets: [apiKey],
      waitSeconds: settings.waitSeconds ?? 60,
      cancelAfterDeadline: settings.cancelAfterDeadline ?? true,
    }
  }
  return {
    id: 'replicate',
    displayName: 'Replicate',
    apiStatus: 'official',
    models: REPLICATE_IMAGE_MODELS,
    optionsSchema: replicateImageOptionsSchema,
    setup: { packageName: '@llmkit/replicate' },
    env: { apiKey: KEY_ENV, baseURL: 'REPLICATE_BASE_URL' },
    isConfigured: (env) => Boolean(settings.apiKey) || hasEnv(env, KEY_ENV),
    modelIdGrammar: 'owner/name or owner/name:<64-hex version>',
    resolveModel: resolveReplicateModel,
    start: (call, context) => startReplicatePrediction(call, context, config(context)),
    status: (job, context) => replicatePredictionStatus(job, context, config(context)),
    cancel: (job, context) => cancelReplicatePrediction(job, context, config(context)),
    findSubmitted: (call, since, context) => findCutOffPrediction(call, since, context, config(context)),
  }
}

/** The Replicate provider configured from the environment (`REPLICATE_API_TOKEN`, `REPLICATE_BASE_URL`). */
export const replicate: ImageProvider = createReplicate()
