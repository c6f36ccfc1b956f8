// The llmkit gateway in its own process for bench/gateway.bench.ts: OpenAI's
// provider pointed at the loopback mock, no keys, its JSON log lines on stdout
// as deployed (the bench points stdout at /dev/null). Prints its port on stderr.
import { LLMKitClient } from '@llmkit/core'
import { createOpenAI } from '@llmkit/openai'
import { createGateway } from '@llmkit/server'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const client = new LLMKitClient({
  providers: [createOpenAI({ apiKey: 'sk-bench', baseURL: `http://127.0.0.1:${process.env.MOCK_PORT}/v1` })],
})
const gateway = createGateway({
  client,
  dataDir: mkdtempSync(join(tmpdir(), 'llmkit-bench-gateway-')),
  env: {},
})
const { port } = await gateway.listen({ host: '127.0.0.1', port: 0 })
process.stderr.write(`${port}\n`)
process.on('SIGTERM', () => void gateway.close({ graceMs: 0 }).then(() => process.exit(0)))
