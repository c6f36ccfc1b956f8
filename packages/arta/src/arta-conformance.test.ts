import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeProviderConformance } from '@llmkit/testing/conformance'
import { createArta } from './index'

const authFile = join(mkdtempSync(join(tmpdir(), 'llmkit-arta-conformance-')), 'arta-auth.json')

describeProviderConformance({
  provider: createArta({ authFile }),
  emulator: 'arta',
  modelId: 'arta:flux',
  keyEnv: 'ARTA_API_KEY',
  endpoints: { submit: 'submit', status: 'status' },
  // ARTA has no documented content-policy refusal (it blurs instead: isBlur), and no cancel endpoint.
  supports: { contentPolicy: false },
})
