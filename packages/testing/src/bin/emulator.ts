import { parseArgs } from 'node:util'
import { startEmulator } from '../start-emulator'
import { EMULATED_PROVIDERS, type EmulatedProviderId } from '../providers/registry'
import type { Fault, FaultKind } from '../server/faults'

const HELP = `llmkit-emulator: serve emulated provider APIs on 127.0.0.1

Options:
  --port N              port to listen on (default 8787; 0 picks a free one)
  --providers a,b       providers to emulate (default: all: ${Object.keys(EMULATED_PROVIDERS).join(', ')})
  --fault SPEC          arm a fault, repeatable: kind[:provider[:endpoint[:times]]]
                        e.g. rate_limit:openai:generate:2, job_fails:fal, stall:replicate:submit
  --queue-ms N          time jobs spend queued (default 200)
  --run-ms N            time jobs spend running (default 800)
  --strict-keys         accept only the printed keys (default: any non-empty key)
  --help

Prints the environment to point llmkit (or a provider's official SDK) at it.`

function parseFault(spec: string): Fault {
  const [kind, provider, endpoint, times] = spec.split(':')
  return {
    kind: kind as FaultKind,
    provider: provider || undefined,
    endpoint: endpoint || undefined,
    times: times ? Number(times) : Infinity,
    retryAfterSeconds: 1,
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      providers: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'queue-ms': { type: 'string' },
      'run-ms': { type: 'string' },
      'strict-keys': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) return void console.log(HELP)
  const providers = values.providers?.split(',').map((p) => p.trim()) as EmulatedProviderId[] | undefined
  for (const id of providers ?? [])
    if (!(id in EMULATED_PROVIDERS))
      throw new Error(`Unknown provider "${id}"; choose from ${Object.keys(EMULATED_PROVIDERS).join(', ')}`)
  const emulator = await startEmulator({
    port: Number(values.port),
    providers,
    faults: (values.fault ?? []).map(parseFault),
    acceptAnyKey: !values['strict-keys'],
    timing: {
      queueMs: values['queue-ms'] ? Number(values['queue-ms']) : undefined,
      runMs: values['run-ms'] ? Number(values['run-ms']) : undefined,
    },
  })
  console.log(`# llmkit emulator listening on ${emulator.origin} (Ctrl-C to stop)`)
  for (const [name, value] of Object.entries(emulator.env)) console.log(`export ${name}=${value}`)
  const stop = () => void emulator.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(`llmkit-emulator: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(2)
})
