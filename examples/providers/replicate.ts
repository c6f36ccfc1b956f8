// replicate through llmkit: the real API when REPLICATE_API_TOKEN is set, else the local emulator.
import { ImageGenerationRequest } from '@llmkit/sdk'
import { runProviderExample } from './run-example'

await runProviderExample({
  provider: 'replicate',
  keyEnv: ['REPLICATE_API_TOKEN'],
  request: new ImageGenerationRequest(
    'replicate:black-forest-labs/flux-schnell',
    'A red fox in a snowy forest',
  ).with_aspect_ratio('16:9'),
})
