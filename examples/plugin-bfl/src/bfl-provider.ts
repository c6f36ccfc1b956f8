import { hasEnv, loadApiKey, resolveBaseURL, type ImageProvider } from '@llmkit/core'
import { bflJobStatus, startBflJob, type BflRequestConfig } from './bfl-image-model.js'
import { BFL_IMAGE_MODELS } from './bfl-models.js'
import { bflImageOptionsSchema } from './bfl-options.js'

/** Settings for {@link createBfl}. */
export interface BflProviderSettings {
  /** API key, sent as `x-key`. Default: `BFL_API_KEY`. */
  apiKey?: string
  /** API origin. Default: `BFL_BASE_URL`, else `https://api.bfl.ai` (regional: `https://api.eu1.bfl.ai`, …). */
  baseURL?: string
}

const KEY_ENV = ['BFL_API_KEY'] as const

/** Creates the Black Forest Labs provider (FLUX models, a job API: submit, then poll). */
export function createBfl(settings: BflProviderSettings = {}): ImageProvider {
  const config = (env: Readonly<Record<string, string | undefined>>): BflRequestConfig => ({
    baseURL: resolveBaseURL(settings.baseURL, env, 'BFL_BASE_URL', 'https://api.bfl.ai'),
    apiKey: () => loadApiKey({ apiKey: settings.apiKey, env, names: KEY_ENV, provider: 'bfl', factory: 'createBfl' }),
  })
  return {
    id: 'bfl',
    displayName: 'Black Forest Labs',
    models: BFL_IMAGE_MODELS,
    optionsSchema: bflImageOptionsSchema,
    setup: { packageName: 'llmkit-provider-bfl' },
    env: { apiKey: KEY_ENV, baseURL: 'BFL_BASE_URL' },
    isConfigured: (env) => Boolean(settings.apiKey) || hasEnv(env, KEY_ENV),
    start: (call, context) => startBflJob(call, context, config(context.env)),
    status: (job, context) => bflJobStatus(job, context, config(context.env)),
  }
}

/** The provider with settings from the environment (`BFL_API_KEY`, `BFL_BASE_URL`). */
export const bfl: ImageProvider = createBfl()
