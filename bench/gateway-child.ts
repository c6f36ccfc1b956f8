// The llmkit gateway in its own process for bench/gateway.bench.ts: OpenAI's
// provider pointed at the loopback mock, no keys, no log lines. Prints its port.
import { LLMKitClient } from '@llmkit/core'
import { createOpenAI } from '@llmkit/openai'
import { createGateway, silentLogger } from '@llmkit/server'
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
  log: silentLogger,
})
const { port } = await gateway.listen({ host: '127.0.0.1', port: 0 })
process.stdout.write(`${port}\n`)
process.on('SIGTERM', () => void gateway.close({ graceMs: 0 }).then(() => process.exit(0)))
