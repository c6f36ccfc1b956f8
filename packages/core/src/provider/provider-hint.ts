import type { ImageProvider } from './image-provider'

/**
 * What an application knows about a provider it has not registered, so that a
 * model id routed to it can say what to install and set instead of "unknown".
 * `fromEnv` makes one from each candidate provider whose key is missing;
 * `providerHint(provider)` makes one from any provider's own metadata.
 */
export interface ProviderHint {
  readonly id: string
  /** The npm package that exports it (`@llmkit/openai`). */
  readonly packageName?: string
  /** What to set to configure it (`OPENAI_API_KEY`, `IMAGELABS_ENABLED=1`). */
  readonly configure?: string
  /** Model ids and aliases that route to it without a `provider:` prefix. */
  readonly models: readonly string[]
}

/** The hint a provider's own metadata gives: `setup`, `env.apiKey` and its bare-routable models. */
export function providerHint(provider: ImageProvider): ProviderHint {
  const keys = provider.env?.apiKey ?? []
  return {
    id: provider.id,
    packageName: provider.setup?.packageName,
    configure: provider.setup?.configure ?? (keys.length ? keys.join(' or ') : undefined),
    models: provider.models
      .filter((model) => model.routesWithoutPrefix !== false)
      .flatMap((model) => [model.id, ...(model.aliases ?? [])]),
  }
}
