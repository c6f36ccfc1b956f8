import { describeProviderConformance } from '@llmkit/testing/conformance'
import { bflEmulator } from './bfl-emulator.js'
import { bfl } from './bfl-provider.js'

describeProviderConformance({
  provider: bfl,
  emulator: bflEmulator,
  modelId: 'bfl:flux-pro-1.1',
  keyEnv: 'BFL_API_KEY',
  endpoints: { submit: 'submit', status: 'status' },
  supports: { multipleImages: true },
})
