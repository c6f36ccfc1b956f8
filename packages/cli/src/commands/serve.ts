import { Command, InvalidArgumentError } from 'commander'
import { serveGateway } from '@llmkit/server'
import type { CommandContext } from '../command-context'
import { openClient } from '../open-client'
import { reportFailure } from '../report-failure'

interface ServeFlags {
  host: string
  port: number
  keys?: string
  dataDir?: string
  emulator: boolean
  debug: boolean
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('a port from 0 to 65535')
  return port
}

/** `llmkit serve`: the gateway (`@llmkit/server`) over every configured provider, until SIGTERM or Ctrl-C. */
export function serveCommand(context: CommandContext): Command {
  return new Command('serve')
    .description(
      'Serve every configured provider behind an OpenAI-compatible HTTP API (images, jobs, models), with gateway keys and limits',
    )
    .option('--host <host>', 'address to listen on (without keys: loopback only)', '127.0.0.1')
    .option('--port <port>', 'port; 0 picks a free one', parsePort, 8080)
    .option(
      '--keys <file>',
      'gateway keys (keys.json: name, sha256, models, providers, rpm, concurrency); default LLMKIT_GATEWAY_KEYS',
    )
    .option(
      '--data-dir <dir>',
      'where jobs and served files are kept (default LLMKIT_DATA_DIR or ~/.local/share/llmkit/gateway); LLMKIT_REDIS_URL uses Redis instead',
    )
    .option('--emulator', 'serve the in-process emulators of every provider (offline demo)', false)
    .option('--debug', 'print stack traces on errors', false)
    .addHelpText(
      'after',
      '\nExamples:\n  $ llmkit serve --port 8080\n  $ LLMKIT_GATEWAY_KEYS=sk-gw-1 llmkit serve --host 0.0.0.0\n  $ llmkit serve --emulator --port 0',
    )
    .action(async (flags: ServeFlags) => {
      context.exitCode = await runServe(flags, context)
    })
}

async function runServe(flags: ServeFlags, context: CommandContext): Promise<number> {
  // Jobs are left running upstream on shutdown (the next start resumes them); a DELETE still cancels.
  const opened = await openClient(context.env, flags.emulator, context.plugins)
  try {
    const served = await serveGateway({
      client: opened.client,
      env: opened.env,
      host: flags.host,
      port: flags.port,
      keysFile: flags.keys,
      dataDir: flags.dataDir,
      stdout: context.stdout,
      stderr: context.stderr,
    })
    const stop = () => void served.close()
    context.signal.addEventListener('abort', stop, { once: true })
    await served.stopped
    context.signal.removeEventListener('abort', stop)
    return 0
  } catch (error) {
    return reportFailure(context, error, flags)
  } finally {
    await opened.close()
  }
}
