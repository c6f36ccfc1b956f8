// imagelabs through llmkit: the real API when IMAGELABS_ENABLED is set, else the local emulator.
import { ImageGenerationRequest } from '@llmkit/sdk'
import { runProviderExample } from './run-example'

await runProviderExample({
  provider: 'imagelabs',
  keyEnv: ['IMAGELABS_ENABLED'],
  request: new ImageGenerationRequest('imagelabs:sdxl-turbo', 'A desert at noon with mountains'),
})
