import { Command } from 'commander'
import packageJson from '../package.json'
import { batchCommand } from './commands/batch'
import { generateCommand } from './commands/generate'
import { modelsCommand } from './commands/models'
import { workerCommand } from './commands/worker'
import { serveCommand } from './commands/serve'
import type { CommandContext } from './command-context'
import { DEFAULT_MODEL } from './image-settings'
import { loadPlugins, pluginSpecifiers, PROVIDERS_ENV } from './plugins'

/** The `llmkit` command with its subcommands, writing to the context's streams and never calling `process.exit`. */
export function createProgram(context: CommandContext): Command {
  const program = new Command('llmkit')
    .description(
      `Text-to-image from the command line, across providers. Offline by default (${DEFAULT_MODEL}, the local renderer); set a provider's key (OPENAI_API_KEY, FAL_KEY, …) and pick its model with -m.`,
    )
    .version(packageJson.version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    // Program options go before the command, so `models --provider <id>` keeps its own meaning.
    .enablePositionalOptions()
    .option(
      '--provider <module>',
      `load a provider plugin, an installed package or a file exporting \`provider\` (and optionally \`emulator\`); repeatable; also ${PROVIDERS_ENV}=a,b`,
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .hook('preAction', async () => {
      const specifiers = pluginSpecifiers(program.opts<{ provider: string[] }>().provider, context.env)
      if (specifiers.length === 0) return
      const loaded = await loadPlugins(specifiers, context.cwd)
      context.plugins = {
        providers: [...context.plugins.providers, ...loaded.providers],
        emulators: [...context.plugins.emulators, ...loaded.emulators],
      }
    })
    .addHelpText(
      'after',
      `\nExit codes: 0 ok, 2 usage, 3 authentication, 4 invalid request or unknown model, 5 rate limit or quota, 6 provider, network or timeout, 130 interrupted.`,
    )
  for (const command of [
    generateCommand(context),
    modelsCommand(context),
    batchCommand(context),
    workerCommand(context),
    serveCommand(context),
  ])
    program.addCommand(command)
  for (const command of [program, ...program.commands]) {
    command.exitOverride()
    command.configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
  }
  return program
}
