import { hasEnv, loadApiKey, resolveBaseURL, type ImageProvider, type ProviderContext } from '@llmkit/core'
import { FAL_IMAGE_MODELS, resolveFalModel } from './fal-models'
import { falImageOptionsSchema } from './fal-options'
import { cancelFalJob, falJobStatus, submitFalJob, watchFalJob, type FalQueueConfig } from './fal-image-model'

/** Settings for {@link createFal}. Every field is optional; the key comes from the environment. */
export interface FalProviderSettings {
  /** API key (`key_id:key_secret`), sent as `Authorization: Key …`. Default: `FAL_API_KEY`, else `FAL_KEY`. */
  apiKey?: string
  /** The queue host. Default: `FAL_BASE_URL`, else `https://queue.fal.run`. */
  baseURL?: string
  /** Extra headers on every request (for example `x-fal-queue-priority: low`). */
  headers?: Record<string, string>
}

const KEY_ENV = ['FAL_API_KEY', 'FAL_KEY'] as const

/** Creates the fal.ai provider: FLUX.1 [dev], FLUX.1 [schnell], Stable Diffusion 3, and any fal endpoint as `fal:owner/app`. */
export function createFal(settings: FalProviderSettings = {}): ImageProvider {
  const config = (context: ProviderContext): FalQueueConfig => {
    const apiKey = loadApiKey({
      apiKey: settings.apiKey,
      env: context.env,
      names: KEY_ENV,
      provider: 'fal',
      factory: 'createFal',
    })
    return {
      baseURL: resolveBaseURL(settings.baseURL, context.env, 'FAL_BASE_URL', 'https://queue.fal.run'),
      secrets: () => [apiKey],
      headers: () => ({ ...settings.headers, authorization: `Key ${apiKey}`, accept: 'application/json' }),
    }
  }
  return {
    id: 'fal',
    displayName: 'fal.ai',
    apiStatus: 'official',
    models: FAL_IMAGE_MODELS,
    optionsSchema: falImageOptionsSchema,
    setup: { packageName: '@llmkit/fal' },
    env: { apiKey: KEY_ENV, baseURL: 'FAL_BASE_URL' },
    isConfigured: (env) => Boolean(settings.apiKey) || hasEnv(env, KEY_ENV),
    modelIdGrammar: 'owner/app/path (the endpoint id as on fal.ai, for example fal-ai/flux/dev)',
    resolveModel: resolveFalModel,
    start: (call, context) => submitFalJob(call, context, config(context)),
    status: (job, context) => falJobStatus(job, context, config(context)),
    watch: (job, context) => watchFalJob(job, context, config(context)),
    cancel: (job, context) => cancelFalJob(job, context, config(context)),
  }
}

/** The fal provider configured from the environment (`FAL_API_KEY` or `FAL_KEY`, `FAL_BASE_URL`). */
export const fal: ImageProvider = createFal()
