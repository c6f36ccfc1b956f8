import { resolveBaseURL, type ImageProvider } from '@llmkit/core'
import {
  IMAGELABS_BROWSER_HEADERS,
  imagelabsJobStatus,
  startImageLabsJob,
  type ImageLabsRequestConfig,
} from './imagelabs-image-model'
import { IMAGELABS_IMAGE_MODELS } from './imagelabs-models'
import { imagelabsImageOptionsSchema } from './imagelabs-options'

/** Settings for {@link createImageLabs}. */
export interface ImageLabsProviderSettings {
  /**
   * Whether `fromEnv()` registers it. ImageLabs needs no key, so it is opt-in:
   * default `IMAGELABS_ENABLED=1`. Passing the provider to `new LLMKitClient({ providers })`
   * or `client.register()` always enables it.
   */
  enabled?: boolean
  /** Site URL. Default: `IMAGELABS_BASE_URL`, else `https://editor.imagelabs.net`. */
  baseURL?: string
  /** Extra headers (for example `cookie` with a browser session), merged over the browser-like defaults. */
  headers?: Record<string, string>
}

const ENABLED_ENV = 'IMAGELABS_ENABLED'
const isTruthy = (value: string | undefined) => ['1', 'true', 'yes', 'on'].includes(value?.trim().toLowerCase() ?? '')

/**
 * Creates the ImageLabs provider (editor.imagelabs.net, SDXL Turbo): an
 * UNOFFICIAL web API that may change or stop without notice.
 */
export function createImageLabs(settings: ImageLabsProviderSettings = {}): ImageProvider {
  const config = (env: Readonly<Record<string, string | undefined>>): ImageLabsRequestConfig => {
    const baseURL = resolveBaseURL(settings.baseURL, env, 'IMAGELABS_BASE_URL', 'https://editor.imagelabs.net')
    return { baseURL, headers: { ...IMAGELABS_BROWSER_HEADERS, ...settings.headers } }
  }
  return {
    id: 'imagelabs',
    displayName: 'ImageLabs (unofficial)',
    apiStatus: 'unofficial',
    models: IMAGELABS_IMAGE_MODELS,
    optionsSchema: imagelabsImageOptionsSchema,
    setup: { packageName: '@llmkit/imagelabs', configure: 'IMAGELABS_ENABLED=1' },
    env: { baseURL: 'IMAGELABS_BASE_URL' },
    isConfigured: (env) => settings.enabled ?? isTruthy(env[ENABLED_ENV]),
    start: (call, context) => startImageLabsJob(call, context, config(context.env)),
    status: (job, context) => imagelabsJobStatus(job, context, config(context.env)),
  }
}

/** The ImageLabs provider; `fromEnv()` registers it only with `IMAGELABS_ENABLED=1`. */
export const imagelabs: ImageProvider = createImageLabs()
