// fal through llmkit: the real API when FAL_API_KEY or FAL_KEY is set, else the local emulator.
import { ImageGenerationRequest } from '@llmkit/sdk'
import { runProviderExample } from './run-example'

await runProviderExample({
  provider: 'fal',
  keyEnv: ['FAL_API_KEY', 'FAL_KEY'],
  request: new ImageGenerationRequest('fal-ai/flux/schnell', 'A futuristic city at night with neon lights')
    .with_n(2)
    .with_seed(42),
})
