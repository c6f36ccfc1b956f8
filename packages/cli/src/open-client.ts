import { BUNDLED_PROVIDERS, LLMKitClient } from '@llmkit/sdk'
import { UsageError } from './exit-codes'
import { NO_PLUGINS, type Plugins } from './plugins'

/** A client plus what must be closed after the command. */
export interface OpenedClient {
  client: LLMKitClient
  /** The environment the client reads (with the emulator's variables under `--emulator`). */
  env: Readonly<Record<string, string | undefined>>
  close(): Promise<void>
}

/**
 * The environment to use: the given one, or with `--emulator` the same plus
 * an in-process emulator of every provider on loopback (its base URLs and keys).
 */
export async function resolveEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  useEmulator: boolean,
  plugins: Plugins = NO_PLUGINS,
): Promise<{ env: Readonly<Record<string, string | undefined>>; close(): Promise<void> }> {
  if (!useEmulator) return { env, close: async () => undefined }
  const { startEmulator, EMULATED_PROVIDERS } = await loadTesting()
  const builtIn = Object.values(EMULATED_PROVIDERS).filter((e) => !plugins.emulators.some((p) => p.id === e.id))
  const emulator = await startEmulator({ acceptAnyKey: false, providers: [...builtIn, ...plugins.emulators] })
  return { env: { ...env, ...emulator.env }, close: () => emulator.close() }
}

/**
 * `LLMKitClient.fromEnv()` over the resolved environment: every configured
 * provider (bundled, then plugins) plus the local renderer.
 */
export async function openClient(
  env: Readonly<Record<string, string | undefined>>,
  useEmulator: boolean,
  plugins: Plugins = NO_PLUGINS,
): Promise<OpenedClient> {
  const resolved = await resolveEnvironment(env, useEmulator, plugins)
  const client = LLMKitClient.fromEnv({
    env: { ...resolved.env },
    providers: [...BUNDLED_PROVIDERS, ...plugins.providers],
  })
  return {
    client,
    env: resolved.env,
    async close() {
      await client.close().catch(() => undefined)
      await resolved.close()
    },
  }
}

/** What to run when `--emulator` is asked for but `@llmkit/testing` (an optional peer) is not installed. */
export const INSTALL_TESTING_HINT =
  '--emulator needs @llmkit/testing: npm i -D @llmkit/testing (pnpm add -D @llmkit/testing)'

// Loaded only when asked for: the emulator pulls in msw, so it is an optional peer, not a dependency.
async function loadTesting(): Promise<typeof import('@llmkit/testing')> {
  try {
    return await import('@llmkit/testing')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
    if (missing && String((error as Error).message).includes('@llmkit/testing'))
      throw new UsageError(INSTALL_TESTING_HINT)
    throw error
  }
}
