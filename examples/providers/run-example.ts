// Shared by the per-provider examples: uses the real provider when its key is
// set, else starts llmkit's local emulator of that provider (and says so).
import { fileURLToPath } from 'node:url'
import { startEmulator, type EmulatedProviderId } from '@llmkit/testing'
import { ImageFormat, ImageGenerationRequest, LLMKitClient } from '@llmkit/sdk'

export interface ProviderExample {
  provider: EmulatedProviderId
  /** Variables that configure the real provider; any one set means "use the real API". */
  keyEnv: readonly string[]
  request: ImageGenerationRequest
}

export async function runProviderExample({ provider, keyEnv, request }: ProviderExample): Promise<void> {
  const hasKey = keyEnv.some((name) => process.env[name])
  const emulator = hasKey ? undefined : await startEmulator({ providers: [provider] })
  if (emulator)
    console.log(
      `No ${keyEnv.join(' / ')} set: using llmkit's local ${provider} emulator at ${emulator.urls[provider]} (set the key to call the real API).`,
    )
  const env = emulator ? { ...process.env, ...emulator.env } : process.env
  const client = LLMKitClient.fromEnv({ env })
  try {
    const response = await client.generateImage(request.with_format(ImageFormat.B64Json), {
      onProgress: (event) => {
        if (event.type === 'queued')
          console.log(`  queued${event.position !== undefined ? ` (position ${event.position})` : ''}`)
        if (event.type === 'running')
          console.log(`  running${event.progress !== undefined ? ` ${Math.round(event.progress * 100)}%` : ''}`)
      },
    })
    for (const warning of response.warnings) console.log(`  note: ${warning}`)
    for (const [index, image] of response.images.entries()) {
      const path = fileURLToPath(
        new URL(
          `../../generated_images/${provider}_${index}.${image.media_type === 'image/svg+xml' ? 'svg' : 'png'}`,
          import.meta.url,
        ),
      )
      await image.save(path, { mkdir: true })
      console.log(`✓ ${response.provider}:${response.model} → ${path}`)
    }
  } finally {
    await client.close()
    await emulator?.close()
  }
}
