import { homedir } from 'node:os'
import { join } from 'node:path'
import type { ImageProvider } from '@llmkit/core'
import { generateSketch } from './local-image-model'
import { sketchModel } from './local-models'

/** Settings for {@link createLocal}. */
export interface LocalProviderSettings {
  /**
   * Folder for pictures asked for as `ImageFormat.Url`; they are written to
   * `<cacheDir>/images/<hash>.png`. Default: `$XDG_CACHE_HOME/llmkit`, else
   * `~/.cache/llmkit` (read from the client's env at each call).
   */
  cacheDir?: string
}

/** The cache folder: the setting, else `$XDG_CACHE_HOME/llmkit`, else `~/.cache/llmkit`. */
export function resolveCacheDir(
  setting: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (setting) return setting
  const xdg = env.XDG_CACHE_HOME?.trim()
  return xdg ? join(xdg, 'llmkit') : join(homedir(), '.cache', 'llmkit')
}

/**
 * The offline renderer: procedural landscapes painted from the prompt's
 * keywords, as real PNGs, with no network and no key. Model `local:sketch`
 * (also bare `sketch`).
 *
 * ```ts
 * const client = new LLMKitClient({ providers: [createLocal()] })
 * await client.generateImage(new ImageGenerationRequest('sketch', 'a lake at sunset').with_seed(7))
 * ```
 */
export function createLocal(settings: LocalProviderSettings = {}): ImageProvider {
  return {
    id: 'local',
    displayName: 'Local renderer (offline, procedural)',
    apiStatus: 'official',
    models: [sketchModel],
    setup: { packageName: '@llmkit/local' },
    isConfigured: () => true,
    generate: (call, context) => generateSketch(call, context, resolveCacheDir(settings.cacheDir, context.env)),
  }
}

/** A ready local provider with default settings. */
export const local: ImageProvider = createLocal()
