// openai through llmkit: the real API when OPENAI_API_KEY is set, else the local emulator.
import { ImageGenerationRequest, ImageSize } from '@llmkit/sdk'
import { runProviderExample } from './run-example'

await runProviderExample({
  provider: 'openai',
  keyEnv: ['OPENAI_API_KEY'],
  request: new ImageGenerationRequest('dall-e-3', 'A serene mountain landscape at dawn').with_size(
    ImageSize.Landscape1792x1024,
  ),
})
