import type { EmulatedProvider } from '../server/emulated-provider'
import { artaEmulator } from './arta/arta-emulator'
import { falEmulator } from './fal/fal-emulator'
import { imagelabsEmulator } from './imagelabs/imagelabs-emulator'
import { openaiEmulator } from './openai/openai-emulator'
import { recraftEmulator } from './recraft/recraft-emulator'
import { replicateEmulator } from './replicate/replicate-emulator'
import { runwayEmulator } from './runway/runway-emulator'
import { stabilityEmulator } from './stability/stability-emulator'

/** Every provider the emulator can serve, by id. */
export const EMULATED_PROVIDERS = {
  openai: openaiEmulator,
  fal: falEmulator,
  stability: stabilityEmulator,
  replicate: replicateEmulator,
  recraft: recraftEmulator,
  runway: runwayEmulator,
  arta: artaEmulator,
  imagelabs: imagelabsEmulator,
} satisfies Record<string, EmulatedProvider>

export type EmulatedProviderId = keyof typeof EMULATED_PROVIDERS
