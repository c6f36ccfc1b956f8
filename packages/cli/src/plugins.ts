import { importFrom, isImageProvider, type ImageProvider } from '@llmkit/sdk'
import type { EmulatedProvider } from '@llmkit/testing'
import { UsageError } from './exit-codes'

/** Provider plugins: their providers, and the emulators `--emulator` serves beside the built-in ones. */
export interface Plugins {
  readonly providers: readonly ImageProvider[]
  readonly emulators: readonly EmulatedProvider[]
}

export const NO_PLUGINS: Plugins = Object.freeze({ providers: [], emulators: [] })

/** The variable listing plugin modules, comma-separated, loaded after the `--provider` flags. */
export const PROVIDERS_ENV = 'LLMKIT_PROVIDERS'

/** Module specifiers from `--provider` flags, then `LLMKIT_PROVIDERS`, each once. */
export function pluginSpecifiers(
  flags: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const listed = (env[PROVIDERS_ENV] ?? '').split(',')
  return [...new Set([...flags, ...listed].map((specifier) => specifier.trim()).filter(Boolean))]
}

/**
 * Loads each module as `import` would from `cwd` (an npm package installed
 * there, or a path). A module exports `provider`, an `ImageProvider`, and may
 * export `emulator`, an `EmulatedProvider` of the same API.
 */
export async function loadPlugins(specifiers: readonly string[], cwd: string): Promise<Plugins> {
  const providers: ImageProvider[] = []
  const emulators: EmulatedProvider[] = []
  for (const specifier of specifiers) {
    const module = await importFrom(specifier, cwd).catch((error: unknown) => {
      throw new UsageError(`--provider ${specifier}: ${error instanceof Error ? error.message : String(error)}`)
    })
    if (!('provider' in module))
      throw new UsageError(
        `--provider ${specifier}: the module has no \`provider\` export (exports: ${Object.keys(module).join(', ') || 'none'})`,
      )
    if (!isImageProvider(module.provider))
      throw new UsageError(
        `--provider ${specifier}: its \`provider\` export is not an llmkit provider (needs id, models, and generate or start + status)`,
      )
    // The emulator (and msw with it) is loaded only for a module that has one.
    if (module.emulator !== undefined && !(await import('@llmkit/testing')).isEmulatedProvider(module.emulator))
      throw new UsageError(
        `--provider ${specifier}: its \`emulator\` export is not an EmulatedProvider (needs id, environment, handlers, endpointOf, errorBody)`,
      )
    providers.push(module.provider)
    if (module.emulator) emulators.push(module.emulator)
  }
  return { providers, emulators }
}
