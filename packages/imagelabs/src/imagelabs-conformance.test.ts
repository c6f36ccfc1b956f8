import { describeProviderConformance } from '@llmkit/testing/conformance'
import { imagelabs } from './index'

describeProviderConformance({
  provider: imagelabs,
  emulator: 'imagelabs',
  modelId: 'imagelabs:sdxl-turbo',
  endpoints: { submit: 'submit', status: 'status' },
  // Keyless (nothing to get wrong), no content-policy refusal documented, no cancel endpoint.
  supports: { authentication: false, contentPolicy: false },
})
