// arta through llmkit: the real API when ARTA_API_KEY is set, else the local emulator.
import { ImageGenerationRequest } from '@llmkit/sdk'
import { runProviderExample } from './run-example'

await runProviderExample({
  provider: 'arta',
  keyEnv: ['ARTA_API_KEY'],
  request: new ImageGenerationRequest('arta:Flux', 'A river through a forest at dawn').with_seed(3),
})
