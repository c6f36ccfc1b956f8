// recraft through llmkit: the real API when RECRAFT_API_TOKEN is set, else the local emulator.
import { ImageGenerationRequest, ImageSize } from '@llmkit/sdk'
import { runProviderExample } from './run-example'

await runProviderExample({
  provider: 'recraft',
  keyEnv: ['RECRAFT_API_TOKEN'],
  request: new ImageGenerationRequest('recraft-v3', 'A lighthouse on a cliff, flat illustration').with_size(
    ImageSize.Square1024,
  ),
})
