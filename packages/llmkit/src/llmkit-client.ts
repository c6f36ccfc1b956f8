import { LLMKitClient as CoreClient, type FromEnvOptions, type ImageProvider } from '@llmkit/core'
import { arta } from '@llmkit/arta'
import { fal } from '@llmkit/fal'
import { imagelabs } from '@llmkit/imagelabs'
import { local } from '@llmkit/local'
import { openai } from '@llmkit/openai'
import { recraft } from '@llmkit/recraft'
import { replicate } from '@llmkit/replicate'
import { runway } from '@llmkit/runway'
import { stability } from '@llmkit/stability'

/**
 * Every provider this package bundles, in routing order. Each registers itself
 * in `fromEnv()` only when its key is in the environment; the local renderer
 * always does, so llmkit works offline out of the box.
 */
export const BUNDLED_PROVIDERS: readonly ImageProvider[] = [
  openai,
  fal,
  stability,
  recraft,
  replicate,
  runway,
  arta,
  imagelabs,
  local,
]

/** The llmkit client, with `fromEnv()` defaulting to every bundled provider. */
export class LLMKitClient extends CoreClient {
  /**
   * A client with each bundled provider whose key is set (`OPENAI_API_KEY`,
   * `FAL_API_KEY`, …) plus the offline local renderer. Synchronous; opens no
   * connection until you generate.
   */
  static override fromEnv(options: FromEnvOptions = {}): LLMKitClient {
    const env = options.env ?? { ...process.env }
    const providers = (options.providers ?? BUNDLED_PROVIDERS).filter(
      (provider) => provider.isConfigured?.(env) ?? true,
    )
    return new LLMKitClient({ ...options, env, providers })
  }
}
