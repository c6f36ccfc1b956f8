import { BUNDLED_PROVIDERS, LLMKitClient } from '@llmkit/sdk'
import { importOptionalPeer, installHint } from './optional-peer'
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
export const INSTALL_TESTING_HINT = installHint('@llmkit/testing', '--emulator', true)

// Loaded only when asked for: the emulator pulls in msw, so it is an optional peer, not a dependency.
function loadTesting(): Promise<typeof import('@llmkit/testing')> {
  return importOptionalPeer('@llmkit/testing', () => import('@llmkit/testing'), '--emulator', true)
}
