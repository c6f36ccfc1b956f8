import { CommanderError } from 'commander'
import type { CliIO } from './cli-io'
import { commandContext } from './command-context'
import { ExitCode } from './exit-codes'
import { createProgram } from './program'
import { reportFailure } from './report-failure'

export type { CliIO } from './cli-io'
export { loadPlugins, pluginSpecifiers, PROVIDERS_ENV } from './plugins'
export type { Plugins } from './plugins'
export { ExitCode, exitCodeFor } from './exit-codes'
export { MANIFEST_FILE } from './manifest'
export type { Manifest, ManifestItem, ItemStatus } from './manifest'
export { GALLERY_FILE, renderGallery } from './gallery'
export { slugify, imageFileName } from './file-naming'

/**
 * Runs the `llmkit` command with `argv` (without `node` and the script) and
 * resolves to its exit code; never calls `process.exit`. `io.providers` adds
 * provider plugins beside the bundled ones, as `--provider <module>` does.
 *
 * ```ts
 * const code = await run(['generate', 'a lake at dawn', '--json'], { stdout: process.stdout, stderr: process.stderr })
 * ```
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const controller = new AbortController()
  const forward = () => controller.abort(io.signal?.reason)
  if (io.signal?.aborted) forward()
  else io.signal?.addEventListener('abort', forward, { once: true })
  const context = commandContext(io, controller.signal)
  try {
    await createProgram(context).parseAsync([...argv], { from: 'user' })
    return context.exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return ExitCode.Ok
      // With --json, stdout always carries one object, failures included.
      if (argv.includes('--json'))
        context.stdout.write(
          `${JSON.stringify({ ok: false, error: { code: 'usage', message: error.message.replace(/^error: /, '') } })}\n`,
        )
      return ExitCode.Usage
    }
    return reportFailure(context, error, { debug: argv.includes('--debug'), json: argv.includes('--json') })
  } finally {
    io.signal?.removeEventListener('abort', forward)
  }
}
