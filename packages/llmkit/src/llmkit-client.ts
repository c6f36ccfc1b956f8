import {
  LLMKitClient as CoreClient,
  optionsFromEnv,
  providerHint,
  type FromEnvOptions,
  type ImageProvider,
  type LLMKitClientOptions,
} from '@llmkit/core'
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
 * Every provider this package bundles, in routing order (frozen). Each registers
 * itself in `fromEnv()` only when its key is in the environment; the local
 * renderer always does, so llmkit works offline out of the box. To add a
 * provider of your own, pass `fromEnv({ providers: [...BUNDLED_PROVIDERS, mine] })`
 * or call `client.register(mine)`.
 */
export const BUNDLED_PROVIDERS: readonly ImageProvider[] = Object.freeze([
  openai,
  fal,
  stability,
  recraft,
  replicate,
  runway,
  arta,
  imagelabs,
  local,
])

/** What each bundled provider's own metadata says about installing and configuring it. */
const BUNDLED_HINTS = BUNDLED_PROVIDERS.map(providerHint)

/** The llmkit client, with `fromEnv()` defaulting to every bundled provider. */
export class LLMKitClient extends CoreClient {
  /** A client with the given providers; a bundled model asked for but not registered says what to set. */
  constructor(options: LLMKitClientOptions = {}) {
    super({ ...options, hints: [...(options.hints ?? []), ...BUNDLED_HINTS] })
  }

  /**
   * A client with each bundled provider whose key is set (`OPENAI_API_KEY`,
   * `FAL_API_KEY`, …) plus the offline local renderer. Synchronous; opens no
   * connection until you generate.
   */
  static override fromEnv(options: FromEnvOptions = {}): LLMKitClient {
    return new LLMKitClient(optionsFromEnv({ ...options, providers: options.providers ?? BUNDLED_PROVIDERS }))
  }
}
