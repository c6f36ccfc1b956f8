// A gateway in its own process, from the built packages (plain node, starts in
// a fraction of a second): for tests that kill or signal it, and for the
// Python client's tests. Prints `llmkit gateway listening on <url>` once it
// accepts connections.
//
//   LLMKIT_DATA_DIR=/tmp/x FAL_BASE_URL=… FAL_KEY=… node test/gateway-process.mjs
//   node test/gateway-process.mjs --emulate    # also starts the emulators; prints `emulator <origin>` first
//   GATEWAY_KEYS_FILE=keys.json node test/gateway-process.mjs --emulate
import { LLMKitClient } from '@llmkit/core'
import { fal } from '@llmkit/fal'
import { local } from '@llmkit/local'
import { openai } from '@llmkit/openai'
import { replicate } from '@llmkit/replicate'
import { stability } from '@llmkit/stability'
import { startEmulator } from '@llmkit/testing'
import { serveGateway } from '../dist/index.js'

const env = { ...process.env }
let emulator
if (process.argv.includes('--emulate')) {
  emulator = await startEmulator({
    providers: ['openai', 'fal', 'stability', 'replicate'],
    timing: { queueMs: 100, runMs: 300, initialPosition: 1 },
  })
  Object.assign(env, emulator.env)
  process.stdout.write(`emulator ${emulator.origin}\n`)
}
const client = LLMKitClient.fromEnv({
  env,
  providers: [openai, fal, stability, replicate, local],
  retry: { maxRetries: 0 },
  poll: { initialIntervalMs: 50, minIntervalMs: 50, maxIntervalMs: 100 },
})
const served = await serveGateway({
  client,
  env,
  port: Number(env.GATEWAY_PORT ?? 0),
  keysFile: env.GATEWAY_KEYS_FILE || undefined,
  graceMs: Number(env.GATEWAY_GRACE_MS ?? 5_000),
})
await served.stopped
await client.close()
await emulator?.close()
process.exit(0)
