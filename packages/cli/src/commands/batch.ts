import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Command } from 'commander'
import pc from 'picocolors'
import {
  isAbortError,
  LLMKitError,
  type ImageGenerationResponse,
  type ImageJob,
  type ImageProgressEvent,
  type LLMKitClient,
  mapBounded,
} from '@llmkit/sdk'
import { writeLine, type CommandContext } from '../command-context'
import { errorToJSON, exitCodeFor, ExitCode } from '../exit-codes'
import { FileNameReserver } from '../file-naming'
import { writeGallery } from '../gallery'
import { buildRequest, DEFAULT_MODEL, DEFAULT_OUTPUT, integerIn, positiveNumber } from '../image-settings'
import { itemSettings, openManifest, type ManifestStore, type ManifestItem } from '../manifest'
import { openClient } from '../open-client'
import { ProgressLine, formatElapsed } from '../progress'
import { readPrompts, type BatchItem } from '../prompts-file'
import { TokenBucket } from '../rate-limit'
import { reportFailure } from '../report-failure'
import { saveImages } from '../save-images'
import { displayPath } from './generate'

export interface BatchFlags {
  concurrency: number
  rps: number
  output: string
  model: string
  timeout?: number
  json: boolean
  emulator: boolean
  debug: boolean
  retryInDoubt: boolean
  /** Redis URL: hand the items to `llmkit worker`s instead of generating here. */
  queue?: string
  /** Queue name with --queue. */
  name?: string
}

/** What the summary at the end of a batch (local or queued) reads. */
export type BatchSummaryRun = Pick<BatchRun, 'store' | 'progress' | 'flags' | 'context' | 'counts' | 'firstFailure'>

/** Everything one batch run shares. */
interface BatchRun {
  client: LLMKitClient
  store: ManifestStore
  names: FileNameReserver
  bucket: TokenBucket
  progress: ProgressLine
  flags: BatchFlags
  context: CommandContext
  folder: string
  counts: {
    done: number
    failed: number
    skipped: number
    resumed: number
    running: number
    total: number
    inDoubt: number
  }
  firstFailure?: unknown
}

export function batchCommand(context: CommandContext): Command {
  return new Command('batch')
    .description('Generate images for every prompt of a file, with bounded concurrency, a rate limit and resume')
    .argument(
      '<file>',
      'prompts.txt (one prompt per line) or prompts.jsonl ({"prompt", "model"?, "n"?, "size"?, "seed"?, "negative"?} per line)',
    )
    .option('--concurrency <count>', 'items in flight at once', integerIn(1, 64), 4)
    .option('--rps <rate>', 'request starts per second at most', positiveNumber, 2)
    .option('-o, --output <dir>', 'folder for images, the manifest and index.html', DEFAULT_OUTPUT)
    .option('-m, --model <id>', 'model for lines that name none (offline default)', DEFAULT_MODEL)
    .option('--timeout <ms>', 'give up on one item after this many milliseconds', integerIn(1, 86_400_000))
    .option('--json', 'print the summary as one JSON object on stdout, no progress', false)
    .option('--emulator', 'run against in-process emulators of every provider (offline demo)', false)
    .option(
      '--retry-in-doubt',
      'send items marked in_doubt again (a paid request that may already have run when the last run was killed)',
      false,
    )
    .option('--queue <url>', 'hand the items to `llmkit worker`s through this Redis (redis://host:port); needs no keys')
    .option('--name <queue>', 'queue name with --queue (the same on the workers)')
    .option('--debug', 'print stack traces on errors', false)
    .addHelpText(
      'after',
      `\nRun the same command again to resume: finished items are skipped, paid jobs still in flight are picked up (not submitted again); items in_doubt (killed inside a paid request) are skipped unless --retry-in-doubt.\n\nExample:\n  $ llmkit batch prompts.jsonl --concurrency 4 --rps 2 -o out`,
    )
    .action(async (file: string, flags: BatchFlags) => {
      context.exitCode = flags.queue
        ? await (await import('./batch-queue')).runQueueBatch(file, { ...flags, queue: flags.queue }, context)
        : await runBatch(file, flags, context)
    })
}

async function runBatch(file: string, flags: BatchFlags, context: CommandContext): Promise<number> {
  const startedAt = Date.now()
  let opened: Awaited<ReturnType<typeof openClient>> | undefined
  let store: ManifestStore | undefined
  const progress = new ProgressLine('batch', { stream: context.stderr, isSilent: flags.json, startedAt })
  try {
    const items = await readPrompts(resolve(context.cwd, file), { model: flags.model })
    opened = await openClient(context.env, flags.emulator, context.plugins)
    const folder = resolve(context.cwd, flags.output)
    await mkdir(folder, { recursive: true })
    store = await openManifest(folder)
    store.manifest.source = file
    markInDoubt(store, opened.client)
    const todo = items.filter((item) => {
      const status = store!.item(item.id)?.status
      return status !== 'done' && (status !== 'in_doubt' || flags.retryInDoubt)
    })
    const counts = {
      done: 0,
      failed: 0,
      skipped: items.length - todo.length,
      resumed: 0,
      running: 0,
      total: todo.length,
      inDoubt: 0,
    }
    const run: BatchRun = {
      client: opened.client,
      store,
      names: new FileNameReserver(folder),
      bucket: new TokenBucket(flags.rps),
      progress,
      flags,
      context,
      folder,
      counts,
    }
    await store.compact()
    progress.start()
    showCounts(run)
    // After an abort no new item starts; the started ones finish. A failure that is not the abort is a bug: raise it.
    const settled = await mapBounded(todo, flags.concurrency, (item) => runItem(run, item), context.signal)
    const broken = settled.find((outcome) => outcome.status === 'rejected' && outcome.reason !== context.signal.reason)
    if (broken) throw (broken as PromiseRejectedResult).reason
    await store.compact()
    const ids = new Set(items.map((item) => item.id))
    counts.inDoubt = store.manifest.items.filter((item) => ids.has(item.id) && item.status === 'in_doubt').length
    const gallery = await writeGallery(folder, store.manifest)
    return finish(run, gallery, Date.now() - startedAt)
  } catch (error) {
    progress.clear()
    return reportFailure(context, error, flags)
  } finally {
    await store?.close()
    await opened?.close()
  }
}

/** Images the recorded job handles will deliver. */
function covered(jobs: readonly ImageJob[]): number {
  return jobs.reduce((sum, job) => sum + job.call.n, 0)
}

/**
 * Whether sending a model's request again could cost money (or quota) twice.
 * Only the offline renderer is known to be free, and a model this run cannot
 * route (nothing would be sent); every other provider, plugins included, is
 * treated as paid.
 */
function isPaid(client: LLMKitClient, model: string): boolean {
  try {
    return client.resolveModel(model).provider.id !== 'local'
  } catch {
    return false
  }
}

/**
 * Items a killed run left `in_flight` whose recorded job handles do not cover
 * every image: a paid request without a recorded answer was in flight (a
 * synchronous call, or a submit that had not answered), so it may have run.
 * They become `in_doubt` instead of being sent again.
 */
function markInDoubt(store: ManifestStore, client: LLMKitClient): void {
  for (const item of store.manifest.items) {
    if (item.status !== 'in_flight' || covered(item.jobs) >= item.n || !isPaid(client, item.model)) continue
    store.record({ ...item, status: 'in_doubt', error: inDoubtError('the process ended') })
  }
}

function inDoubtError(how: string): { code: string; message: string } {
  return {
    code: 'in_doubt',
    message: `${how} while a paid request was in flight; it may have run and been paid for. Not sent again: check the provider's dashboard, then run with --retry-in-doubt to send it again`,
  }
}

async function runItem(run: BatchRun, item: BatchItem): Promise<void> {
  const { context, store } = run
  const previous = store.item(item.id)
  const resumable = previous?.jobs ?? []
  try {
    await run.bucket.take(context.signal)
  } catch {
    return // aborted while waiting: the item was never started
  }
  const record: ManifestItem = {
    ...itemSettings(item),
    status: 'in_flight',
    files: [],
    images: [],
    jobs: [...resumable],
    attempts: (previous?.attempts ?? 0) + 1,
    updatedAt: '',
  }
  run.counts.running += 1
  showCounts(run)
  // The durable intent: from here until a job handle covers every image, a kill leaves the item in doubt.
  store.record(record)
  const onProgress = (event: ImageProgressEvent) => {
    if (event.type !== 'submitted') return
    record.jobs.push(event.job)
    store.record(record) // one fsync'd append, before core does anything else with the answer
  }
  try {
    const responses = await generateOrResume(run, item, resumable, onProgress)
    const request = buildRequest(item)
    const images = responses.flatMap((response) => response.images)
    const saved = await saveImages(
      images,
      run.folder,
      run.names,
      { prompt: request.prompt, seed: request.seed, width: request.size?.width, height: request.size?.height },
      context.signal,
    )
    Object.assign(record, {
      status: 'done',
      files: saved.map((image) => image.file),
      images: saved.map(({ path: _path, ...image }) => image),
      jobs: [],
      provider: responses[0]?.provider,
      warnings: [...new Set(responses.flatMap((r) => r.warnings))],
      error: undefined,
    })
    if (record.warnings?.length === 0) delete record.warnings
    run.counts.done += 1
    if (resumable.length > 0) run.counts.resumed += 1
    run.progress.note(`${pc.green('done')}   line ${item.line}: ${excerpt(item.prompt)} → ${record.files.join(', ')}`)
  } catch (error) {
    // Core cancels upstream jobs on abort where the API can; jobs it could not cancel, or that a failure left
    // running (error.job), still run and cost money, so their handles stay for the next run to resume.
    const canCancel = (job: ImageJob) =>
      Boolean(run.client.providers.find((provider) => provider.id === job.provider)?.cancel)
    const stillRunning = isAbortError(error)
      ? record.jobs.filter((job) => !canCancel(job))
      : LLMKitError.isInstance(error) && error.job
        ? [error.job as ImageJob]
        : []
    // Interrupted inside a paid request that has no job handle yet: it may have run upstream.
    const doubtful = isAbortError(error) && covered(record.jobs) < record.n && isPaid(run.client, record.model)
    Object.assign(record, {
      status: doubtful ? 'in_doubt' : 'failed',
      jobs: stillRunning,
      error: doubtful
        ? inDoubtError('interrupted')
        : { code: errorToJSON(error).code, message: errorToJSON(error).message },
    })
    if (!isAbortError(error)) {
      run.counts.failed += 1
      run.firstFailure ??= error
      run.progress.note(`${pc.red('failed')} line ${item.line}: ${excerpt(item.prompt)}: ${errorToJSON(error).message}`)
    }
  } finally {
    run.counts.running -= 1
    store.record(record)
    showCounts(run)
  }
}

/** New items are generated; items with recorded jobs pick those up (no second submit) and generate only what no job covers. */
async function generateOrResume(
  run: BatchRun,
  item: BatchItem,
  jobs: readonly ImageJob[],
  onProgress: (event: ImageProgressEvent) => void,
): Promise<ImageGenerationResponse[]> {
  const options = { signal: run.context.signal, timeoutMs: run.flags.timeout, onProgress }
  const request = buildRequest(item)
  if (jobs.length === 0) return [await run.client.generateImage(request, options)]
  const responses = await Promise.all(jobs.map((job) => run.client.resumeImage(job, options)))
  const missing = request.n - jobs.reduce((sum, job) => sum + job.call.n, 0)
  if (missing > 0) responses.push(await run.client.generateImage(request.with_n(missing), options))
  return responses
}

function showCounts(run: BatchRun): void {
  const { done, failed, running, total } = run.counts
  run.progress.setPhase(`${done + failed}/${total} finished, ${running} running${failed ? `, ${failed} failed` : ''}`)
}

/** Prints the summary (or the JSON object) and returns the exit code. */
export function finish(run: BatchSummaryRun, gallery: string, elapsedMs: number): number {
  const { context, counts, store } = run
  const interrupted = context.signal.aborted
  const summary = {
    done: counts.done,
    failed: counts.failed,
    skipped: counts.skipped,
    resumed: counts.resumed,
    inDoubt: counts.inDoubt,
    interrupted,
    timeMs: elapsedMs,
    manifest: store.path,
    gallery,
  }
  const code = interrupted
    ? ExitCode.Interrupted
    : counts.failed > 0
      ? exitCodeFor(run.firstFailure)
      : counts.inDoubt > 0
        ? ExitCode.Failure
        : ExitCode.Ok
  if (run.flags.json) {
    run.progress.clear()
    writeLine(context.stdout, JSON.stringify({ ok: code === ExitCode.Ok, ...summary }))
    return code
  }
  const line = `done ${counts.done}, failed ${counts.failed}, skipped ${counts.skipped}${counts.resumed ? ` (resumed ${counts.resumed})` : ''}${counts.inDoubt ? `, in doubt ${counts.inDoubt} (see the manifest; --retry-in-doubt sends them again)` : ''}`
  if (interrupted) run.progress.fail(`interrupted: ${line} in ${formatElapsed(elapsedMs)}`)
  else if (counts.failed > 0) run.progress.fail(`${line} in ${formatElapsed(elapsedMs)}`)
  else run.progress.succeed(line)
  writeLine(context.stdout, `${line} in ${formatElapsed(elapsedMs)}`)
  writeLine(context.stdout, `manifest: ${displayPath(context.cwd, store.path)}`)
  writeLine(context.stdout, `gallery: ${displayPath(context.cwd, gallery)}`)
  return code
}

function excerpt(prompt: string): string {
  return prompt.length > 50 ? `${prompt.slice(0, 49)}…` : prompt
}
