// runway through llmkit: the real API when RUNWAYML_API_SECRET is set, else the local emulator.
import { ImageGenerationRequest, ImageSize } from '@llmkit/sdk'
import { runProviderExample } from './run-example'

await runProviderExample({
  provider: 'runway',
  keyEnv: ['RUNWAYML_API_SECRET'],
  request: new ImageGenerationRequest('runway:gen4_image', 'A lake at sunset with purple sky').with_size(
    ImageSize.Landscape1792x1024,
  ),
})
