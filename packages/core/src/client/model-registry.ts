import { closeMatches } from '../catalog/close-matches'
import { invalidRequest, LLMKitError } from '../errors/llmkit-error'
import type { ImageModelInfo } from '../provider/image-model-info'
import type { ImageProvider } from '../provider/image-provider'
import type { ProviderHint } from '../provider/provider-hint'
import { bareNames, findInCatalog } from './catalog-index'
import { isSafePathSegment, PATH_SEGMENT_GRAMMAR } from '../http/url-path'

/** A model id resolved to the provider that serves it. */
export interface ResolvedModel {
  readonly provider: ImageProvider
  readonly model: ImageModelInfo
}

/** One row of `listModels()`: a model with its provider and capabilities. */
export interface ModelListing extends ImageModelInfo {
  readonly provider: string
  /** `provider:id`, which always routes. */
  readonly qualifiedId: string
  readonly apiStatus: 'official' | 'unofficial'
}

const PROVIDER_ID = /^[a-z0-9][a-z0-9-]*$/

/** Registered providers and the routing of model ids to them. */
export class ModelRegistry {
  private readonly providers = new Map<string, ImageProvider>()
  private readonly warned = new Set<string>()

  /**
   * @param hints providers known but not registered, for "install … and set …" messages.
   * @param warn receives the warning when a provider claims bare ids another one already routes.
   */
  constructor(
    private readonly hints: readonly ProviderHint[] = [],
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  /** Adds a provider, or replaces the one with its id (keeping its place in the routing order). */
  register(provider: ImageProvider): void {
    if (!PROVIDER_ID.test(provider.id))
      throw invalidRequest(`Provider id "${provider.id}" must be lower-case letters, digits and dashes`)
    if (!provider.generate && !(provider.start && provider.status)) {
      throw invalidRequest(`Provider ${provider.id} must implement generate, or start and status`)
    }
    this.warnOfClaimedIds(provider)
    this.providers.set(provider.id, provider)
  }

  /** One warning per pair of providers whose bare ids collide: the first registered keeps them. */
  private warnOfClaimedIds(newcomer: ImageProvider): void {
    const names = bareNames(newcomer)
    for (const owner of this.providers.values()) {
      if (owner.id === newcomer.id || this.warned.has(`${owner.id}\0${newcomer.id}`)) continue
      const ownerNames = new Set(bareNames(owner))
      const shared = names.filter((name) => ownerNames.has(name))
      if (shared.length === 0) continue
      this.warned.add(`${owner.id}\0${newcomer.id}`)
      const listed = shared.slice(0, 3).join(', ') + (shared.length > 3 ? ` and ${shared.length - 3} more` : '')
      this.warn(
        `Providers "${owner.id}" and "${newcomer.id}" both serve ${listed}: the bare id${shared.length > 1 ? 's route' : ' routes'} to ${owner.id}, registered first. Use ${newcomer.id}:${shared[0]} to reach ${newcomer.id}.`,
      )
    }
  }

  get(id: string): ImageProvider | undefined {
    return this.providers.get(id)
  }

  list(): ImageProvider[] {
    return [...this.providers.values()]
  }

  models(): ModelListing[] {
    return this.list().flatMap((provider) =>
      provider.models.map((model) => ({
        ...model,
        provider: provider.id,
        qualifiedId: `${provider.id}:${model.id}`,
        apiStatus: provider.apiStatus ?? 'official',
      })),
    )
  }

  /** Routes `provider:model` or a bare model id (id or alias) to its provider. */
  resolve(modelId: string): ResolvedModel {
    const colon = modelId.indexOf(':')
    const prefix = colon > 0 ? modelId.slice(0, colon).toLowerCase() : undefined
    if (prefix && PROVIDER_ID.test(prefix) && !modelId.slice(colon + 1).startsWith('/')) {
      return this.resolvePrefixed(prefix, modelId.slice(colon + 1), modelId)
    }
    for (const provider of this.providers.values()) {
      const model = findInCatalog(provider, modelId, true)
      if (model) return { provider, model }
    }
    throw this.unknown(modelId)
  }

  private resolvePrefixed(prefix: string, id: string, full: string): ResolvedModel {
    const provider = this.providers.get(prefix)
    if (!provider) {
      const known = this.hints.find((p) => p.id === prefix)
      const hint = known ? setupSentence(known) : ''
      throw new LLMKitError({
        code: 'unknown_model',
        message: `No provider "${prefix}" is registered (model "${full}").${hint}${this.registered()}`,
        model: full,
      })
    }
    const model = findInCatalog(provider, id, false) ?? (provider.resolveModel && resolveDynamic(provider, id, full))
    if (model) return { provider, model }
    const suggestions = closeMatches(
      id,
      provider.models.flatMap((m) => [m.id, ...(m.aliases ?? [])]),
    )
    throw new LLMKitError({
      code: 'unknown_model',
      provider: provider.id,
      model: full,
      message: `${provider.id} has no model "${id}".${didYouMean(suggestions.map((s) => `${provider.id}:${s}`))} Its models: ${provider.models.map((m) => m.id).join(', ')}`,
    })
  }

  private unknown(modelId: string): LLMKitError {
    const lower = modelId.toLowerCase()
    const known = this.hints.find((p) => !this.providers.has(p.id) && p.models.some((m) => m.toLowerCase() === lower))
    if (known) {
      return new LLMKitError({
        code: 'unknown_model',
        model: modelId,
        message: `${modelId} is served by ${known.id}, which is not configured${configureClause(known)}.${this.registered()}`,
      })
    }
    const candidates = this.models().flatMap((m) => [m.id, m.qualifiedId, ...(m.aliases ?? [])])
    const suggestions = closeMatches(modelId, [...candidates, ...this.hints.flatMap((p) => p.models)])
    return new LLMKitError({
      code: 'unknown_model',
      model: modelId,
      message: `Unknown model "${modelId}".${didYouMean(suggestions)}${this.registered()}. Use provider:model to pick a provider explicitly`,
    })
  }

  /** ` Registered providers: openai, fal`, for messages. */
  private registered(): string {
    return ` Registered providers: ${this.providers.size === 0 ? '(none)' : [...this.providers.keys()].join(', ')}`
  }
}

/** ` Did you mean a, b?` for close matches, or nothing. */
const didYouMean = (names: readonly string[]) => (names.length ? ` Did you mean ${names.join(', ')}?` : '')

/** ` Install @llmkit/openai and set OPENAI_API_KEY.`, from what the hint knows. */
function setupSentence(hint: ProviderHint): string {
  if (hint.packageName && hint.configure) return ` Install ${hint.packageName} and set ${hint.configure}.`
  if (hint.packageName) return ` Install ${hint.packageName}.`
  return hint.configure ? ` Set ${hint.configure}.` : ''
}

/** `: set OPENAI_API_KEY (and install @llmkit/openai if it is not installed)`, from what the hint knows. */
function configureClause(hint: ProviderHint): string {
  const install = hint.packageName ? `install ${hint.packageName}` : ''
  if (hint.configure) return `: set ${hint.configure}${install ? ` (and ${install} if it is not installed)` : ''}`
  return install ? `: ${install}` : ''
}

/**
 * A model id outside the catalog of a provider that puts ids into request
 * paths (it declares `modelIdGrammar`): every part between slashes must be a
 * safe path segment. (`joinUrlPath` refuses them too; this says it earlier, in
 * the provider's words.)
 */
function resolveDynamic(provider: ImageProvider, id: string, full: string): ImageModelInfo | undefined {
  if (provider.modelIdGrammar !== undefined && !id.split('/').every(isSafePathSegment)) {
    throw new LLMKitError({
      code: 'invalid_request',
      provider: provider.id,
      model: full,
      message: `${provider.id}: model id "${id.slice(0, 200)}" is not valid: ${provider.modelIdGrammar ? `it must look like ${provider.modelIdGrammar}, ` : ''}each part between slashes made of ${PATH_SEGMENT_GRAMMAR}`,
    })
  }
  return provider.resolveModel!(id)
}
