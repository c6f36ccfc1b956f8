import { parseArgs } from 'node:util'
import { exitWithParents, importFrom } from '@llmkit/core'
import { startEmulator } from '../start-emulator'
import { EMULATED_PROVIDERS, type EmulatedProviderId } from '../providers/registry'
import { isEmulatedProvider, type EmulatedProvider } from '../server/emulated-provider'
import type { Fault, FaultKind } from '../server/faults'

const HELP = `llmkit-emulator: serve emulated provider APIs on 127.0.0.1

Options:
  --port N              port to listen on (default 8787; 0 picks a free one)
  --providers a,b       providers to emulate (default: all: ${Object.keys(EMULATED_PROVIDERS).join(', ')})
  --provider MODULE     also serve a plugin's emulator: an installed package or a file
                        (resolved from the current folder) exporting \`emulator\`; repeatable
  --fault SPEC          arm a fault, repeatable: kind[:provider[:endpoint[:times]]]
                        e.g. rate_limit:openai:generate:2, job_fails:fal, stall:replicate:submit
  --queue-ms N          time jobs spend queued (default 200)
  --run-ms N            time jobs spend running (default 800)
  --strict-keys         accept only the printed keys (default: any non-empty key)
  --help

Prints the environment to point llmkit (or a provider's official SDK) at it.`

/** The `emulator` export of a plugin module, loaded as `import` would from `cwd`. */
async function loadEmulator(specifier: string, cwd: string): Promise<EmulatedProvider> {
  const module = await importFrom(specifier, cwd).catch((error: unknown) => {
    throw new Error(`--provider ${specifier}: ${error instanceof Error ? error.message : String(error)}`)
  })
  if (!('emulator' in module)) throw new Error(`--provider ${specifier}: the module has no \`emulator\` export`)
  if (!isEmulatedProvider(module.emulator))
    throw new Error(
      `--provider ${specifier}: its \`emulator\` export is not an EmulatedProvider (needs id, environment, handlers, endpointOf, errorBody)`,
    )
  return module.emulator
}

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
  const argv = process.argv.slice(2)
  const { values } = parseArgs({
    // A leading `--` (as in `pnpm emulator -- --port 8793`) is not an argument.
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      port: { type: 'string', default: '8787' },
      providers: { type: 'string' },
      provider: { type: 'string', multiple: true },
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
  const plugins: EmulatedProvider[] = []
  for (const specifier of values.provider ?? []) plugins.push(await loadEmulator(specifier, process.cwd()))
  const builtIn = (providers ?? (Object.keys(EMULATED_PROVIDERS) as EmulatedProviderId[])).filter(
    (id) => !plugins.some((plugin) => plugin.id === id),
  )
  const emulator = await startEmulator({
    port: Number(values.port),
    providers: [...builtIn, ...plugins],
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
  // `pnpm emulator` runs this under `pnpm → sh -c → sh`, and pnpm exits on SIGTERM without passing it on:
  // scripts/emulator.sh names those processes in LLMKIT_EXIT_WITH, and the emulator stops when one is gone.
  exitWithParents(process.env.LLMKIT_EXIT_WITH, stop)
}

main().catch((error: unknown) => {
  console.error(`llmkit-emulator: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(2)
})
