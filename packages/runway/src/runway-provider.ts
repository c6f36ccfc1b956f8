import {
  hasEnv,
  loadApiKey,
  resolveBaseURL,
  unversionedBaseURL,
  type ImageProvider,
  type ProviderContext,
} from '@llmkit/core'
import { cancelRunwayTask, runwayTaskStatus, startRunwayTask, type RunwayRequestConfig } from './runway-image-model'
import { RUNWAY_IMAGE_MODELS } from './runway-models'
import { runwayImageOptionsSchema } from './runway-options'

/** Settings for {@link createRunway}. Every field is optional; the key comes from the environment. */
export interface RunwayProviderSettings {
  /** API secret (`key_…`). Default: `RUNWAYML_API_SECRET`. */
  apiKey?: string
  /** API base URL, without `/v1` (as the official SDK takes it). Default: `RUNWAYML_BASE_URL`, else `https://api.dev.runwayml.com`. */
  baseURL?: string
  /** Sent as `X-Runway-Version`. Default `2024-11-06`. */
  runwayVersion?: string
  /** Extra headers on every request. */
  headers?: Record<string, string>
}

const KEY_ENV = ['RUNWAYML_API_SECRET'] as const

/** The API version this package speaks. */
export const RUNWAY_API_VERSION = '2024-11-06'

/** Creates the RunwayML provider (Gen-4 image tasks). */
export function createRunway(settings: RunwayProviderSettings = {}): ImageProvider {
  const config = (context: ProviderContext): RunwayRequestConfig => {
    const apiKey = loadApiKey({
      apiKey: settings.apiKey,
      env: context.env,
      names: KEY_ENV,
      provider: 'runway',
      factory: 'createRunway',
    })
    return {
      baseURL: unversionedBaseURL(
        resolveBaseURL(settings.baseURL, context.env, 'RUNWAYML_BASE_URL', 'https://api.dev.runwayml.com'),
      ),
      headers: {
        ...settings.headers,
        authorization: `Bearer ${apiKey}`,
        'x-runway-version': settings.runwayVersion ?? RUNWAY_API_VERSION,
      },
      secrets: [apiKey],
    }
  }
  return {
    id: 'runway',
    displayName: 'RunwayML',
    apiStatus: 'official',
    models: RUNWAY_IMAGE_MODELS,
    optionsSchema: runwayImageOptionsSchema,
    setup: { packageName: '@llmkit/runway' },
    env: { apiKey: KEY_ENV, baseURL: 'RUNWAYML_BASE_URL' },
    isConfigured: (env) => Boolean(settings.apiKey) || hasEnv(env, KEY_ENV),
    start: (call, context) => startRunwayTask(call, context, config(context)),
    status: (job, context) => runwayTaskStatus(job, context, config(context)),
    cancel: (job, context) => cancelRunwayTask(job, context, config(context)),
  }
}

/** The Runway provider configured from the environment (`RUNWAYML_API_SECRET`, `RUNWAYML_BASE_URL`). */
export const runway: ImageProvider = createRunway()
