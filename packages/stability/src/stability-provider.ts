import { hasEnv, loadApiKey, resolveBaseURL, unversionedBaseURL, type ImageProvider } from '@llmkit/core'
import { generateStabilityImages } from './stability-image-model'
import { STABILITY_IMAGE_MODELS } from './stability-models'

/** Settings for {@link createStability}. Every field is optional; the key comes from the environment. */
export interface StabilityProviderSettings {
  /** API key (`sk-…`). Default: `STABILITY_API_KEY`. */
  apiKey?: string
  /** API origin, without a version path. Default: `STABILITY_BASE_URL`, else `https://api.stability.ai`. */
  baseURL?: string
  /** Sent as `stability-client-id`, to identify your app to Stability. */
  clientId?: string
  /** Sent as `stability-client-version`. */
  clientVersion?: string
  /** Extra headers on every request. */
  headers?: Record<string, string>
}

const KEY_ENV = ['STABILITY_API_KEY'] as const

/** Creates the Stability AI provider (SDXL on v1; SD3, Stable Image Core and Ultra on v2beta). */
export function createStability(settings: StabilityProviderSettings = {}): ImageProvider {
  return {
    id: 'stability',
    displayName: 'Stability AI',
    apiStatus: 'official',
    models: STABILITY_IMAGE_MODELS,
    setup: { packageName: '@llmkit/stability' },
    env: { apiKey: KEY_ENV, baseURL: 'STABILITY_BASE_URL' },
    isConfigured: (env) => Boolean(settings.apiKey) || hasEnv(env, KEY_ENV),
    generate(call, context) {
      const apiKey = loadApiKey({
        apiKey: settings.apiKey,
        env: context.env,
        names: KEY_ENV,
        provider: 'stability',
        factory: 'createStability',
      })
      const baseURL = unversionedBaseURL(
        resolveBaseURL(settings.baseURL, context.env, 'STABILITY_BASE_URL', 'https://api.stability.ai'),
      )
      return generateStabilityImages(call, context, {
        baseURL,
        secrets: [apiKey],
        headers: {
          ...settings.headers,
          authorization: `Bearer ${apiKey}`,
          'stability-client-id': settings.clientId,
          'stability-client-version': settings.clientVersion,
        },
      })
    },
  }
}

/** The Stability AI provider configured from the environment (`STABILITY_API_KEY`, `STABILITY_BASE_URL`). */
export const stability: ImageProvider = createStability()
