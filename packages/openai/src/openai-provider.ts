import {
  hasEnv,
  loadApiKey,
  resolveBaseURL,
  versionedBaseURL,
  type ImageProvider,
  type ProviderContext,
} from '@llmkit/core'
import { generateOpenAIImages, type OpenAIRequestConfig } from './openai-image-model'
import { OPENAI_IMAGE_MODELS } from './openai-models'

/** Settings for {@link createOpenAI}. Every field is optional; keys come from the environment. */
export interface OpenAIProviderSettings {
  /** API key. Default: `OPENAI_API_KEY`. */
  apiKey?: string
  /** API base URL, with or without `/v1`. Default: `OPENAI_BASE_URL`, else `https://api.openai.com/v1`. */
  baseURL?: string
  /** Sent as `OpenAI-Organization`. Default: `OPENAI_ORG_ID`. */
  organization?: string
  /** Sent as `OpenAI-Project`. Default: `OPENAI_PROJECT_ID`. */
  project?: string
  /** Extra headers on every request. */
  headers?: Record<string, string>
}

const KEY_ENV = ['OPENAI_API_KEY'] as const

/** Creates the OpenAI provider (DALL-E 2, DALL-E 3, GPT image models). */
export function createOpenAI(settings: OpenAIProviderSettings = {}): ImageProvider {
  // Key, URL and headers depend only on the settings and four variables: work them out again only when those change.
  let cache:
    | {
        key: string | undefined
        url: string | undefined
        org: string | undefined
        project: string | undefined
        config: OpenAIRequestConfig
      }
    | undefined
  function configFor(env: ProviderContext['env']): OpenAIRequestConfig {
    const key = env.OPENAI_API_KEY
    const url = env.OPENAI_BASE_URL
    const org = env.OPENAI_ORG_ID
    const project = env.OPENAI_PROJECT_ID
    if (cache && cache.key === key && cache.url === url && cache.org === org && cache.project === project)
      return cache.config
    const apiKey = loadApiKey({
      apiKey: settings.apiKey,
      env,
      names: KEY_ENV,
      provider: 'openai',
      factory: 'createOpenAI',
    })
    const headers: Record<string, string | undefined> = {
      ...settings.headers,
      authorization: `Bearer ${apiKey}`,
      'openai-organization': settings.organization ?? env.OPENAI_ORG_ID,
      'openai-project': settings.project ?? env.OPENAI_PROJECT_ID,
    }
    const secrets = [apiKey]
    const baseURL = versionedBaseURL(
      resolveBaseURL(settings.baseURL, env, 'OPENAI_BASE_URL', 'https://api.openai.com/v1'),
    )
    const config: OpenAIRequestConfig = {
      baseURL,
      generationsURL: `${baseURL}/images/generations`,
      headers: () => headers,
      secrets: () => secrets,
    }
    cache = { key, url, org, project, config }
    return config
  }

  const provider: ImageProvider = {
    id: 'openai',
    displayName: 'OpenAI',
    apiStatus: 'official',
    models: OPENAI_IMAGE_MODELS,
    setup: { packageName: '@llmkit/openai' },
    env: { apiKey: KEY_ENV, baseURL: 'OPENAI_BASE_URL' },
    isConfigured: (env) => Boolean(settings.apiKey) || hasEnv(env, KEY_ENV),
    generate(call, context) {
      return generateOpenAIImages(call, context, configFor(context.env))
    },
  }
  return provider
}

/** The OpenAI provider configured from the environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`). */
export const openai: ImageProvider = createOpenAI()
