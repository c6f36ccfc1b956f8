import { hasEnv, loadApiKey, resolveBaseURL, type ImageProvider, type ProviderContext } from '@llmkit/core'
import { createArtaAuth, defaultArtaAuthFile, type ArtaAuthConfig } from './arta-auth'
import { artaJobStatus, startArtaJob, type ArtaRequestConfig } from './arta-image-model'
import { ARTA_IMAGE_MODELS, resolveArtaStyle } from './arta-models'
import { artaImageOptionsSchema } from './arta-options'

/** Settings for {@link createArta}. Every field is optional; the key comes from the environment. */
export interface ArtaProviderSettings {
  /** ARTA's sign-up key (its app's Firebase web API key); llmkit ships none. Default: `ARTA_API_KEY`. */
  apiKey?: string
  /** Generation host. Default: `ARTA_BASE_URL`, else `https://img-gen-prod.ai-arta.com`. */
  baseURL?: string
  /**
   * One host standing in for both Google endpoints (sign-up and token refresh).
   * Default: `ARTA_AUTH_BASE_URL`, else `https://www.googleapis.com` and `https://securetoken.googleapis.com`.
   */
  authBaseURL?: string
  /** The auth file. Default: `ARTA_AUTH_FILE`, else `$XDG_CACHE_HOME/llmkit/arta-auth.json` (or `~/.cache/…`). */
  authFile?: string
  /** Send the generation form as multipart, as ARTA's app does. Default false (urlencoded, as gpt4free did). */
  multipart?: boolean
  /** A lock file older than this is from a crashed process and is broken. Default 60 000 ms. */
  staleLockMs?: number
  /** Extra headers on generation requests. */
  headers?: Record<string, string>
}

const KEY_ENV = ['ARTA_API_KEY'] as const
const SIGN_UP_PATH = '/identitytoolkit/v3/relyingparty/signupNewUser'
const REFRESH_PATH = '/v1/token'

function authConfig(settings: ArtaProviderSettings, env: ProviderContext['env']): ArtaAuthConfig {
  const apiKey = loadApiKey({ apiKey: settings.apiKey, env, names: KEY_ENV, provider: 'arta', factory: 'createArta' })
  const authBase = settings.authBaseURL ?? (env.ARTA_AUTH_BASE_URL?.trim() || undefined)
  return {
    apiKey,
    signUpURL: `${resolveBaseURL(authBase, {}, '', 'https://www.googleapis.com')}${SIGN_UP_PATH}`,
    refreshURL: `${resolveBaseURL(authBase, {}, '', 'https://securetoken.googleapis.com')}${REFRESH_PATH}`,
    authFile: settings.authFile ?? (env.ARTA_AUTH_FILE?.trim() || defaultArtaAuthFile(env)),
    staleLockMs: settings.staleLockMs ?? 60_000,
  }
}

/**
 * Creates the ARTA provider (ai-arta.com): an UNOFFICIAL web API that may
 * change or stop without notice. Models are ARTA's styles, as `arta:<alias>`.
 */
export function createArta(settings: ArtaProviderSettings = {}): ImageProvider {
  const auth = createArtaAuth()
  const config = (context: ProviderContext): ArtaRequestConfig => ({
    baseURL: resolveBaseURL(settings.baseURL, context.env, 'ARTA_BASE_URL', 'https://img-gen-prod.ai-arta.com'),
    auth,
    authConfig: authConfig(settings, context.env),
    multipart: settings.multipart ?? false,
    headers: settings.headers,
  })
  return {
    id: 'arta',
    displayName: 'ARTA (unofficial)',
    apiStatus: 'unofficial',
    models: ARTA_IMAGE_MODELS,
    optionsSchema: artaImageOptionsSchema,
    setup: { packageName: '@llmkit/arta' },
    env: { apiKey: KEY_ENV, baseURL: 'ARTA_BASE_URL' },
    isConfigured: (env) => Boolean(settings.apiKey) || hasEnv(env, KEY_ENV),
    resolveModel: resolveArtaStyle,
    start: (call, context) => startArtaJob(call, context, config(context)),
    status: (job, context) => artaJobStatus(job, context, config(context)),
  }
}

/** The ARTA provider configured from the environment (`ARTA_API_KEY`, `ARTA_BASE_URL`, `ARTA_AUTH_BASE_URL`, `ARTA_AUTH_FILE`). */
export const arta: ImageProvider = createArta()
