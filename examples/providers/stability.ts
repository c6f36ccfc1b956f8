// stability through llmkit: the real API when STABILITY_API_KEY is set, else the local emulator.
import { ImageGenerationRequest } from '@llmkit/sdk'
import { runProviderExample } from './run-example'

await runProviderExample({
  provider: 'stability',
  keyEnv: ['STABILITY_API_KEY'],
  request: new ImageGenerationRequest('stability-ai/stable-diffusion-xl', 'A peaceful forest with sunlight')
    .with_negative_prompt('blurry, watermark')
    .with_seed(7),
})
