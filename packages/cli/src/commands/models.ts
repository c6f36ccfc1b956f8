import { Command } from 'commander'
import pc from 'picocolors'
import { BUNDLED_PROVIDERS, type ImageModelInfo, type ImageProvider, type ModelSizes } from '@llmkit/sdk'
import { writeLine, type CommandContext } from '../command-context'
import { resolveEnvironment } from '../open-client'
import { reportFailure } from '../report-failure'
import { UsageError } from '../exit-codes'

interface ModelsFlags {
  provider?: string
  json: boolean
  emulator: boolean
  debug: boolean
}

/** One provider in `llmkit models --json`. Holds variable names, never their values. */
export interface ProviderListing {
  id: string
  displayName?: string
  apiStatus: 'official' | 'unofficial'
  configured: boolean
  env: { apiKey: readonly string[]; baseURL?: string }
  kind: 'sync' | 'job'
  models: ModelCapabilities[]
}

/** One model's capabilities. */
export interface ModelCapabilities {
  id: string
  qualifiedId: string
  aliases: readonly string[]
  displayName?: string
  maxImagesPerCall: number
  maxImagesPerRequest: number
  sizes: ModelSizes
  defaultSize?: { width: number; height: number }
  options: {
    negativePrompt: boolean
    seed: boolean
    quality: readonly string[]
    style: readonly string[]
    formats: readonly string[]
  }
}

export function modelsCommand(context: CommandContext): Command {
  return new Command('models')
    .description(
      'List every model (bundled and from --provider plugins) with its capabilities, and which providers are configured',
    )
    .option('--provider <id>', 'only this provider')
    .option('--json', 'print JSON', false)
    .option('--emulator', 'show providers as configured by the in-process emulators', false)
    .option('--debug', 'print stack traces on errors', false)
    .addHelpText('after', '\nExample:\n  $ llmkit models --provider openai')
    .action(async (flags: ModelsFlags) => {
      context.exitCode = await runModels(flags, context)
    })
}

async function runModels(flags: ModelsFlags, context: CommandContext): Promise<number> {
  const resolved = await resolveEnvironment(context.env, flags.emulator, context.plugins)
  try {
    const providers = [...BUNDLED_PROVIDERS, ...context.plugins.providers]
    const listings = listProviders(providers, resolved.env).filter((p) => !flags.provider || p.id === flags.provider)
    if (flags.provider && listings.length === 0) {
      throw new UsageError(`no provider "${flags.provider}"; choose from ${providers.map((p) => p.id).join(', ')}`)
    }
    if (flags.json) writeLine(context.stdout, JSON.stringify({ providers: listings }, null, 2))
    else printTable(context, listings)
    return 0
  } catch (error) {
    return reportFailure(context, error, flags)
  } finally {
    await resolved.close()
  }
}

/** The catalog of `providers`, each marked configured or not in `env`. */
export function listProviders(
  providers: readonly ImageProvider[],
  env: Readonly<Record<string, string | undefined>>,
): ProviderListing[] {
  return providers.map((provider) => ({
    id: provider.id,
    displayName: provider.displayName,
    apiStatus: provider.apiStatus ?? 'official',
    configured: provider.isConfigured?.(env) ?? true,
    env: { apiKey: provider.env?.apiKey ?? [], baseURL: provider.env?.baseURL },
    kind: provider.generate ? 'sync' : 'job',
    models: provider.models.map((model) => capabilities(provider, model)),
  }))
}

function capabilities(provider: ImageProvider, model: ImageModelInfo): ModelCapabilities {
  return {
    id: model.id,
    qualifiedId: `${provider.id}:${model.id}`,
    aliases: model.aliases ?? [],
    displayName: model.displayName,
    maxImagesPerCall: model.maxImagesPerCall,
    maxImagesPerRequest: model.maxImagesPerRequest ?? 10,
    sizes: { ...model.sizes },
    defaultSize: model.defaultSize ? { ...model.defaultSize } : undefined,
    options: {
      negativePrompt: model.supports.negativePrompt ?? false,
      seed: model.supports.seed ?? false,
      quality: model.supports.quality ?? [],
      style: model.supports.style ?? [],
      formats: model.supports.formats,
    },
  }
}

/** `1024x1024, 1792x1024`, `ratios 1:1, 16:9`, `64-2048 px (step 8)`. */
export function describeSizes(sizes: ModelSizes): string {
  const parts: string[] = []
  if (sizes.sizes?.length) parts.push(sizes.sizes.map((size) => `${size.width}x${size.height}`).join(', '))
  if (sizes.aspectRatios?.length) parts.push(`ratios ${sizes.aspectRatios.join(', ')}`)
  if (sizes.range)
    parts.push(
      `${sizes.range.min}-${sizes.range.max} px${sizes.range.multipleOf ? ` (step ${sizes.range.multipleOf})` : ''}`,
    )
  return parts.join('; ') || 'any'
}

function describeOptions(options: ModelCapabilities['options']): string {
  const honoured = [
    options.negativePrompt && 'negative',
    options.seed && 'seed',
    options.quality.length > 0 && `quality ${options.quality.join('/')}`,
    options.style.length > 0 && `style ${options.style.join('/')}`,
  ]
  return honoured.filter(Boolean).join(', ') || 'none'
}

function printTable(context: CommandContext, listings: readonly ProviderListing[]): void {
  for (const provider of listings) {
    const status = provider.configured
      ? pc.green('configured')
      : pc.dim(`not configured${provider.env.apiKey.length ? ` (set ${provider.env.apiKey.join(' or ')})` : ''}`)
    const unofficial = provider.apiStatus === 'unofficial' ? pc.yellow(' unofficial API') : ''
    writeLine(
      context.stdout,
      `${pc.bold(provider.id)}${provider.displayName ? pc.dim(` ${provider.displayName}`) : ''}  ${status}${unofficial}`,
    )
    for (const model of provider.models) {
      const aliases = model.aliases.length ? pc.dim(` (also ${model.aliases.join(', ')})`) : ''
      writeLine(context.stdout, `  ${pc.cyan(model.qualifiedId)}${aliases}`)
      writeLine(context.stdout, `    sizes: ${describeSizes(model.sizes)}`)
      writeLine(
        context.stdout,
        `    images per call: ${model.maxImagesPerCall}, per request: ${model.maxImagesPerRequest}`,
      )
      writeLine(
        context.stdout,
        `    options: ${describeOptions(model.options)}; formats ${model.options.formats.join(', ')}`,
      )
    }
    writeLine(context.stdout)
  }
}
