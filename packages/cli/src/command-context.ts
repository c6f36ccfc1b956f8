import type { CliIO } from './cli-io'
import type { Plugins } from './plugins'

/** What every command gets: streams, environment, working folder, the abort signal, and where to put its exit code. */
export interface CommandContext {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  signal: AbortSignal
  /** Provider plugins: from `run(argv, { providers })`, then `--provider` and `LLMKIT_PROVIDERS` (loaded before the command runs). */
  plugins: Plugins
  /** Set by the command's action. */
  exitCode: number
}

export function commandContext(io: CliIO, signal: AbortSignal): CommandContext {
  return {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    signal,
    plugins: { providers: io.providers ?? [], emulators: io.emulators ?? [] },
    exitCode: 0,
  }
}

/** Writes one line. */
export function writeLine(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`)
}
