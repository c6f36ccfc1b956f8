import pc from 'picocolors'
import { writeLine, type CommandContext } from './command-context'
import { describeError, errorToJSON, exitCodeFor, ExitCode } from './exit-codes'

/**
 * Reports a failed command: one line on stderr (`error: …`), the stack only
 * with `--debug`, and with `--json` one JSON object on stdout. Returns the exit code.
 */
export function reportFailure(
  context: CommandContext,
  error: unknown,
  options: { json?: boolean; debug?: boolean },
): number {
  const code = exitCodeFor(error)
  if (code === ExitCode.Interrupted) writeLine(context.stderr, pc.yellow('interrupted'))
  else writeLine(context.stderr, `${pc.red('error:')} ${describeError(error)}`)
  if (options.debug && error instanceof Error && error.stack) writeLine(context.stderr, error.stack)
  if (options.json) writeLine(context.stdout, JSON.stringify({ ok: false, error: errorToJSON(error) }))
  return code
}
