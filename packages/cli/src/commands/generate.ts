import { mkdir } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { Command, Option } from 'commander'
import pc from 'picocolors'
import type { ImageProgressEvent } from '@llmkit/sdk'
import { writeLine, type CommandContext } from '../command-context'
import { FileNameReserver } from '../file-naming'
import { writeGallery } from '../gallery'
import { openManifest } from '../manifest'
import { openClient } from '../open-client'
import { ProgressLine } from '../progress'
import { saveImages, type SavedImage } from '../save-images'
import {
  buildRequest,
  DEFAULT_MODEL,
  DEFAULT_OUTPUT,
  integerIn,
  parseCount,
  parseSeed,
  QUALITIES,
  sizeArgument,
  STYLES,
} from '../image-settings'
import { reportFailure } from '../report-failure'

/** Flags of `llmkit generate`. */
export interface GenerateFlags {
  model: string
  n: number
  size?: string
  quality?: string
  style?: string
  seed?: number
  negative?: string
  output: string
  json: boolean
  gallery: boolean
  timeout?: number
  emulator: boolean
  debug: boolean
}

/** Milliseconds since the start at which each phase was first seen. */
type PhaseTimings = Partial<Record<'submitted' | 'queued' | 'running' | 'downloading' | 'done', number>>

export function generateCommand(context: CommandContext): Command {
  return new Command('generate')
    .description(
      'Generate images from a prompt and save them (offline with the local renderer unless -m picks a provider model)',
    )
    .argument('<prompt>', 'what to draw')
    .option(
      '-m, --model <id>',
      `model id, e.g. dall-e-3, fal-ai/flux/dev, replicate:owner/name; offline default`,
      DEFAULT_MODEL,
    )
    .option('-n, --n <count>', 'how many images (1-10)', parseCount, 1)
    .option('--size <size>', 'square, landscape, portrait or WIDTHxHEIGHT (e.g. 1792x1024)', sizeArgument)
    .addOption(new Option('--quality <quality>', 'image quality').choices(QUALITIES))
    .addOption(new Option('--style <style>', 'image style').choices(STYLES))
    .option('--seed <seed>', 'seed for reproducible results (0-4294967295)', parseSeed)
    .option('--negative <text>', 'what the image should not contain')
    .option('-o, --output <dir>', 'folder to save images in', DEFAULT_OUTPUT)
    .option('--json', 'print one JSON object on stdout and nothing else', false)
    .option('--gallery', 'also write index.html, a contact sheet of every image in the folder', false)
    .option('--timeout <ms>', 'give up after this many milliseconds', integerIn(1, 86_400_000))
    .option('--emulator', 'run against in-process emulators of every provider (offline demo)', false)
    .option('--debug', 'print stack traces on errors', false)
    .addHelpText(
      'after',
      `\nWithout -m, images come from the offline local renderer (${DEFAULT_MODEL}): no key, no network.\n\nExample:\n  $ llmkit generate "a lighthouse at sunset" -n 2 --seed 7 -o out`,
    )
    .action(async (prompt: string, flags: GenerateFlags) => {
      context.exitCode = await runGenerate(prompt, flags, context)
    })
}

/** Runs `generate`; returns the exit code. */
export async function runGenerate(prompt: string, flags: GenerateFlags, context: CommandContext): Promise<number> {
  const startedAt = Date.now()
  const progress = new ProgressLine(flags.model, { stream: context.stderr, isSilent: flags.json, startedAt })
  const shownWarnings = new Set<string>()
  let opened: Awaited<ReturnType<typeof openClient>> | undefined
  try {
    opened = await openClient(context.env, flags.emulator, context.plugins)
    const request = buildRequest({ ...flags, prompt })
    const { provider, model } = opened.client.resolveModel(request.model)
    const label = `${provider.id}:${model.id}`
    progress.setPhase('starting', label)
    progress.start()
    const phases: PhaseTimings = {}
    const onProgress = (event: ImageProgressEvent) => {
      if (event.type in { submitted: 1, queued: 1, running: 1, downloading: 1, done: 1 })
        phases[event.type as keyof PhaseTimings] ??= event.elapsedMs
      if (event.type === 'warning') {
        shownWarnings.add(event.message)
        progress.note(`${pc.yellow('warning')} ${event.message}`)
      }
      progress.update(event)
    }
    const response = await opened.client.generateImage(request, {
      signal: context.signal,
      timeoutMs: flags.timeout,
      onProgress,
    })
    progress.setPhase('saving')
    const folder = resolve(context.cwd, flags.output)
    await mkdir(folder, { recursive: true })
    const generatedMs = Date.now() - startedAt
    const naming = {
      prompt: request.prompt,
      seed: request.seed,
      width: request.size?.width,
      height: request.size?.height,
    }
    const saved = await saveImages(response.images, folder, new FileNameReserver(folder), naming, context.signal)
    const gallery = flags.gallery
      ? await addToGallery(folder, request.prompt, label, saved, response.provider)
      : undefined
    const result = {
      saved,
      label,
      provider: response.provider,
      warnings: response.warnings,
      gallery,
      timings: {
        ...phases,
        generateMs: generatedMs,
        saveMs: Date.now() - startedAt - generatedMs,
        totalMs: Date.now() - startedAt,
      },
    }
    if (flags.json) printJson(context, result, request.seed)
    else printHuman(context, progress, result, shownWarnings)
    return 0
  } catch (error) {
    progress.clear()
    return reportFailure(context, error, { json: flags.json, debug: flags.debug })
  } finally {
    await opened?.close()
  }
}

interface GenerateResult {
  saved: SavedImage[]
  label: string
  provider: string
  warnings: readonly string[]
  gallery?: string
  timings: Record<string, number>
}

function printJson(context: CommandContext, result: GenerateResult, seed: number | undefined): void {
  const first = result.saved[0]
  const output = {
    ok: true,
    files: result.saved.map((image) => image.path),
    images: result.saved.map(({ path, seed, width, height }) => ({ path, seed, width, height })),
    model: result.label,
    provider: result.provider,
    seed: seed ?? first?.seed ?? null,
    size: first?.width && first.height ? `${first.width}x${first.height}` : null,
    warnings: result.warnings,
    gallery: result.gallery ?? null,
    timings: result.timings,
  }
  writeLine(context.stdout, JSON.stringify(output))
}

function printHuman(
  context: CommandContext,
  progress: ProgressLine,
  result: GenerateResult,
  shown: ReadonlySet<string>,
): void {
  const count = result.saved.length
  progress.succeed(`${count} image${count === 1 ? '' : 's'} from ${result.label}`)
  for (const warning of result.warnings)
    if (!shown.has(warning)) writeLine(context.stderr, `${pc.yellow('warning')} ${warning}`)
  for (const image of result.saved) writeLine(context.stdout, displayPath(context.cwd, image.path))
  if (result.gallery) writeLine(context.stderr, `gallery: ${displayPath(context.cwd, result.gallery)}`)
}

/** A path relative to the working folder when it is inside it, else absolute. */
export function displayPath(cwd: string, path: string): string {
  const shown = relative(cwd, path)
  return shown.startsWith('..') || shown === '' ? path : shown
}

async function addToGallery(
  folder: string,
  prompt: string,
  model: string,
  saved: SavedImage[],
  provider: string,
): Promise<string> {
  const store = await openManifest(folder)
  await store.upsert({
    id: `generate-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    prompt,
    model,
    n: saved.length,
    status: 'done',
    files: saved.map((image) => image.file),
    images: saved.map(({ path: _path, ...image }) => image),
    jobs: [],
    provider,
    attempts: 1,
    updatedAt: '',
  })
  await store.close()
  return writeGallery(folder, store.manifest)
}
