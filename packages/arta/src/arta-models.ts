import { ImageFormat, type ImageModelInfo } from '@llmkit/core'
import { ARTA_ASPECT_RATIOS, artaImageOptionsSchema } from './arta-options'
import { ARTA_DEFAULT_MODEL, ARTA_STYLE_ALIASES, ARTA_STYLES, type ArtaModelAlias } from './arta-styles'

/** Model ids with autocomplete: every alias of the table, and any raw style name. */
export type ArtaImageModelId = ArtaModelAlias | (string & {})

// Declared to core, so that a request's `model` autocompletes `arta:<alias>` wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<`arta:${ArtaModelAlias}`, true> {}
}

/** gpt4free's default negative prompt, sent when the request sets none. */
export const ARTA_DEFAULT_NEGATIVE_PROMPT = 'blurry, deformed hands, ugly'

const modelInfo = (id: string, aliases: string[]): ImageModelInfo => {
  const target = ARTA_STYLE_ALIASES[id]!
  const style = typeof target === 'string' ? target : target.join(' | ')
  return {
    id,
    aliases: aliases.length > 0 ? aliases : undefined,
    displayName: `ARTA ${style}`,
    description:
      typeof target === 'string' ? `ARTA style "${style}"` : `One of ARTA's styles ${style}, chosen from the seed`,
    // images_num: ARTA's maximum is 8 per request.
    maxImagesPerCall: 8,
    sizes: { aspectRatios: ARTA_ASPECT_RATIOS },
    supports: { negativePrompt: true, seed: true, formats: [ImageFormat.Url] },
    optionsSchema: artaImageOptionsSchema,
    // Unofficial service: reachable only as `arta:<model>`, never by accident.
    routesWithoutPrefix: false,
    typicalDurationMs: 15_000,
  }
}

/** The catalog: one model per style; alias keys that send the same style become aliases (`flux-dev` of `f-dev`). */
export const ARTA_IMAGE_MODELS: readonly ImageModelInfo[] = (() => {
  const byStyle = new Map<string, string[]>()
  for (const [key, target] of Object.entries(ARTA_STYLE_ALIASES)) {
    const style = typeof target === 'string' ? target : key
    byStyle.set(style, [...(byStyle.get(style) ?? []), key])
  }
  return [...byStyle.values()].map(([id, ...aliases]) => modelInfo(id!, aliases))
})()

/** A raw ARTA style name (`Vincent Van Gogh`, `Japanese_2`) → its catalog entry. */
export function resolveArtaStyle(name: string): ImageModelInfo | undefined {
  const style = ARTA_STYLES.find((candidate) => candidate.toLowerCase() === name.trim().toLowerCase())
  if (!style) return undefined
  const key = Object.keys(ARTA_STYLE_ALIASES).find((alias) => ARTA_STYLE_ALIASES[alias] === style)
  return ARTA_IMAGE_MODELS.find((model) => model.id === key || model.aliases?.includes(key!))
}

export { ARTA_DEFAULT_MODEL }
