import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import pc from 'picocolors'
import {
  BUNDLED_PROVIDERS,
  extensionFor,
  LLMKitClient,
  LLMKitError,
  type ImageProvider,
  type LLMKitErrorCode,
  definedFields,
} from '@llmkit/sdk'
import type { ImageQueue, ItemResult } from '@llmkit/queue'
import type { CommandContext } from '../command-context'
import { UsageError } from '../exit-codes'
import { FileNameReserver, imageFileName } from '../file-naming'
import { writeGallery } from '../gallery'
import { buildRequest } from '../image-settings'
import { itemSettings, openManifest, type ManifestItem, type ManifestStore } from '../manifest'
import { ProgressLine } from '../progress'
import { readPrompts, type BatchItem } from '../prompts-file'
import { importOptionalPeer } from '../optional-peer'
import { reportFailure } from '../report-failure'
import { finish, type BatchFlags, type BatchSummaryRun } from './batch'

/**
 * `llmkit batch <file> --queue redis://…`: the items go to a Redis queue
 * that `llmkit worker` processes (on any machines); this side validates,
 * enqueues, waits, and writes the images, manifest and gallery as a local
 * batch does. It needs no provider key. Rerunning the same command after a
 * crash enqueues nothing new and collects what the workers finished.
 */
export async function runQueueBatch(
  file: string,
  flags: BatchFlags & { queue: string },
  context: CommandContext,
): Promise<number> {
  const startedAt = Date.now()
  const progress = new ProgressLine('batch', { stream: context.stderr, isSilent: flags.json, startedAt })
  let store: ManifestStore | undefined
  let queue: ImageQueue | undefined
  try {
    const items = await readPrompts(resolve(context.cwd, file), { model: flags.model })
    validate(items, [...BUNDLED_PROVIDERS, ...context.plugins.providers])
    const folder = resolve(context.cwd, flags.output)
    await mkdir(folder, { recursive: true })
    store = await openManifest(folder)
    store.manifest.source = file
    const todo = items.filter(
      (item) => store!.item(item.id)?.status !== 'done' && store!.item(item.id)?.status !== 'in_doubt',
    )
    const { createImageQueue } = await importOptionalPeer(
      '@llmkit/queue',
      () => import('@llmkit/queue'),
      'llmkit batch --queue',
    )
    queue = createImageQueue({ connection: flags.queue, name: flags.name })
    const run: BatchSummaryRun = {
      store,
      progress,
      flags,
      context,
      counts: {
        done: 0,
        failed: 0,
        skipped: items.length - todo.length,
        resumed: 0,
        running: 0,
        total: todo.length,
        inDoubt: 0,
      },
    }
    await store.compact()
    progress.start()
    showCounts(run)
    await queue.enqueue(
      todo.map((item) => ({ id: item.id, request: buildRequest(item) })),
      { retryFailed: true },
    )
    await collect(run, queue, todo, new FileNameReserver(folder))
    await store.compact()
    const ids = new Set(items.map((item) => item.id))
    run.counts.inDoubt = store.manifest.items.filter((item) => ids.has(item.id) && item.status === 'in_doubt').length
    const gallery = await writeGallery(folder, store.manifest)
    return finish(run, gallery, Date.now() - startedAt)
  } catch (error) {
    progress.clear()
    return reportFailure(context, error, flags)
  } finally {
    await store?.close()
    await queue?.close()
  }
}

/** Every request and model is checked here, before anything is queued (the catalogs need no key). */
function validate(items: readonly BatchItem[], providers: readonly ImageProvider[]): void {
  const catalog = new LLMKitClient({ providers, env: {} })
  for (const item of items) {
    try {
      catalog.resolveModel(buildRequest(item).model)
    } catch (error) {
      if (LLMKitError.isInstance(error)) throw new UsageError(`line ${item.line}: ${error.message}`)
      throw error
    }
  }
}

/** Writes each item's images and record as its result arrives, from whichever worker made it. */
async function collect(
  run: BatchSummaryRun,
  queue: ImageQueue,
  todo: readonly BatchItem[],
  names: FileNameReserver,
): Promise<void> {
  const byId = new Map(todo.map((item) => [item.id, item]))
  const timer = setInterval(
    () =>
      void queue.progress().then(
        (counts) => {
          run.counts.running = counts.active
          showCounts(run)
        },
        () => undefined,
      ),
    1_000,
  )
  try {
    for await (const result of queue.results([...byId.keys()], { signal: run.context.signal })) {
      await record(run, queue, byId.get(result.id)!, result, names)
      showCounts(run)
    }
  } catch (error) {
    if (!run.context.signal.aborted) throw error
  } finally {
    clearInterval(timer)
  }
}

async function record(
  run: BatchSummaryRun,
  queue: ImageQueue,
  item: BatchItem,
  result: ItemResult,
  names: FileNameReserver,
): Promise<void> {
  const previous = run.store.item(item.id)
  const entry: ManifestItem = {
    ...itemSettings(item),
    status: result.status === 'done' ? 'done' : result.error?.code === 'in_doubt' ? 'in_doubt' : 'failed',
    files: [],
    images: [],
    jobs: result.jobs ?? [],
    provider: result.provider,
    ...(result.warnings?.length ? { warnings: result.warnings } : {}),
    ...(result.error ? { error: result.error } : {}),
    attempts: (previous?.attempts ?? 0) + 1,
    updatedAt: '',
  }
  if (result.status === 'done') {
    for (const [position, image] of result.images.entries()) {
      const seed = image.seed ?? (item.seed === undefined ? undefined : item.seed + position)
      const name = imageFileName(item.prompt, position + 1, extensionFor(image.media_type), seed)
      const file = await names.write(name, await queue.imageBytes(image))
      entry.files.push(file)
      entry.images.push(definedFields({ file, seed, width: image.width, height: image.height }))
    }
    run.counts.done += 1
    run.progress.note(`${pc.green('done')}   line ${item.line}: ${excerpt(item.prompt)} → ${entry.files.join(', ')}`)
  } else if (entry.status === 'failed') {
    run.counts.failed += 1
    run.firstFailure ??= failureOf(result)
    run.progress.note(`${pc.red('failed')} line ${item.line}: ${excerpt(item.prompt)}: ${result.error?.message}`)
  }
  run.store.record(entry)
}

function failureOf(result: ItemResult): unknown {
  const code = result.error?.code ?? 'provider_error'
  const message = result.error?.message ?? 'failed'
  const known: readonly string[] = [
    'invalid_request',
    'authentication',
    'rate_limited',
    'quota_exceeded',
    'content_policy',
    'timeout',
    'aborted',
    'provider_error',
    'network',
    'no_image',
    'unknown_model',
  ]
  return known.includes(code) ? new LLMKitError({ code: code as LLMKitErrorCode, message }) : new Error(message)
}

function showCounts(run: BatchSummaryRun): void {
  const { done, failed, running, total } = run.counts
  run.progress.setPhase(
    `${done + failed}/${total} finished, ${running} running on workers${failed ? `, ${failed} failed` : ''}`,
  )
}

function excerpt(prompt: string): string {
  return prompt.length > 50 ? `${prompt.slice(0, 49)}…` : prompt
}
