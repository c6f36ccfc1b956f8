import { hasEnv, loadApiKey, resolveBaseURL, versionedBaseURL, type ImageProvider } from '@llmkit/core'
import { generateRecraftImages } from './recraft-image-model'
import { RECRAFT_IMAGE_MODELS } from './recraft-models'

/** Settings for {@link createRecraft}. Every field is optional; the token comes from the environment. */
export interface RecraftProviderSettings {
  /** API token. Default: `RECRAFT_API_TOKEN`. */
  apiKey?: string
  /** API base URL, with or without `/v1`. Default: `RECRAFT_BASE_URL`, else `https://external.api.recraft.ai/v1`. */
  baseURL?: string
  /** Extra headers on every request. */
  headers?: Record<string, string>
}

const KEY_ENV = ['RECRAFT_API_TOKEN'] as const

/** Creates the Recraft provider (V2, V3 and V4 models, raster and vector). */
export function createRecraft(settings: RecraftProviderSettings = {}): ImageProvider {
  return {
    id: 'recraft',
    displayName: 'Recraft',
    apiStatus: 'official',
    models: RECRAFT_IMAGE_MODELS,
    setup: { packageName: '@llmkit/recraft' },
    env: { apiKey: KEY_ENV, baseURL: 'RECRAFT_BASE_URL' },
    isConfigured: (env) => Boolean(settings.apiKey) || hasEnv(env, KEY_ENV),
    generate(call, context) {
      const apiKey = loadApiKey({
        apiKey: settings.apiKey,
        env: context.env,
        names: KEY_ENV,
        provider: 'recraft',
        factory: 'createRecraft',
      })
      const baseURL = versionedBaseURL(
        resolveBaseURL(settings.baseURL, context.env, 'RECRAFT_BASE_URL', 'https://external.api.recraft.ai/v1'),
      )
      return generateRecraftImages(call, context, {
        baseURL,
        secrets: [apiKey],
        headers: { ...settings.headers, authorization: `Bearer ${apiKey}` },
      })
    },
  }
}

/** The Recraft provider configured from the environment (`RECRAFT_API_TOKEN`, `RECRAFT_BASE_URL`). */
export const recraft: ImageProvider = createRecraft()
