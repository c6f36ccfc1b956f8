import type { ImageModelInfo } from '../provider/image-model-info'
import type { ImageProvider } from '../provider/image-provider'

/** Lower-cased ids and aliases that route to the provider without a prefix. */
export function bareNames(provider: ImageProvider): string[] {
  return [...catalogIndex(provider).byName]
    .filter(([, model]) => model.routesWithoutPrefix !== false)
    .map(([name]) => name)
}

interface CatalogIndex {
  readonly models: readonly ImageModelInfo[]
  /** Lower-cased id or alias → model. */
  readonly byName: ReadonlyMap<string, ImageModelInfo>
}

// Built once per catalog, so routing a model id costs a map lookup, not a scan.
const indexes = new WeakMap<ImageProvider, CatalogIndex>()

function catalogIndex(provider: ImageProvider): CatalogIndex {
  const cached = indexes.get(provider)
  if (cached && cached.models === provider.models) return cached
  const byName = new Map<string, ImageModelInfo>()
  for (const model of provider.models) {
    for (const name of [model.id, ...(model.aliases ?? [])])
      if (!byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), model)
  }
  const index = { models: provider.models, byName }
  indexes.set(provider, index)
  return index
}

export function findInCatalog(provider: ImageProvider, id: string, bareOnly: boolean): ImageModelInfo | undefined {
  const model = catalogIndex(provider).byName.get(id.toLowerCase())
  return model && (!bareOnly || model.routesWithoutPrefix !== false) ? model : undefined
}
