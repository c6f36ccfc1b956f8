import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { renderPng } from './render'

/** Settings for {@link createRenderPool}. */
export interface RenderPoolOptions {
  /** Most worker threads. Default `max(1, min(4, availableParallelism() - 1))`. */
  size?: number
  /** The CommonJS module whose `renderPng` the workers call. Default: the built `@llmkit/local`. */
  modulePath?: string
}

/** Draws PNGs on worker threads, so the emulator's event loop stays free while a picture is painted. */
export interface RenderPool {
  /** The same bytes as {@link renderPng}; drawn in-process when no worker can load the renderer. */
  render(prompt: string, width: number, height: number, seed: number): Promise<Buffer>
  /** `workers` (also before the first render), or `in-process` once a worker could not load the renderer. */
  readonly mode: 'workers' | 'in-process'
  /** Worker threads alive now. */
  readonly threads: number
  /** Ends the workers; renders still queued or being drawn fail. */
  close(): Promise<void>
}

/** What the pool sizes itself to: a core is left to the emulator's own thread, and four is plenty. */
export const defaultRenderPoolSize = () => Math.max(1, Math.min(4, availableParallelism() - 1))

/** Starts no thread: workers come with the first renders, up to `size`. */
export function createRenderPool(options: RenderPoolOptions = {}): RenderPool {
  return new WorkerRenderPool(options.size ?? defaultRenderPoolSize(), options.modulePath)
}

// CommonJS run by each worker: worker threads cannot load the TypeScript sources, so it
// requires the built renderer by absolute path, says it is ready, then draws one task at a time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { renderPng } = require(workerData.modulePath)
parentPort.postMessage({ kind: 'ready' })
parentPort.on('message', ({ prompt, width, height, seed }) => {
  let png
  try {
    png = renderPng(prompt, { width, height, seed: seed >>> 0 })
  } catch (error) {
    return parentPort.postMessage({ kind: 'failed', message: error instanceof Error ? error.message : String(error) })
  }
  // Small PNGs sit in Buffer's shared pool, which must not be transferred: those are copied out.
  const isWhole = png.byteOffset === 0 && png.byteLength === png.buffer.byteLength
  const bytes = isWhole ? png.buffer : png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength)
  parentPort.postMessage({ kind: 'done', png: bytes }, [bytes])
})
`

type WorkerMessage = { kind: 'ready' } | { kind: 'done'; png: ArrayBuffer } | { kind: 'failed'; message: string }

interface RenderTask {
  readonly args: { prompt: string; width: number; height: number; seed: number }
  resolve(png: Buffer): void
  reject(error: Error): void
}

interface Slot {
  readonly worker: Worker
  /** Set once the worker has loaded the renderer. */
  isReady: boolean
  task?: RenderTask
  error?: Error
}

/**
 * Where the CommonJS build of `@llmkit/local/renderer` is (the renderer alone: a
 * thread loads it in milliseconds, where the whole package pulls in core), whether
 * or not it has been built.
 */
function localRendererPath(): string | undefined {
  try {
    // Not `resolve('@llmkit/local/renderer')`: under a custom condition (vitest runs with `--conditions=@llmkit/source`) that is the TypeScript source.
    const manifestPath = createRequire(import.meta.url).resolve('@llmkit/local/package.json')
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      main?: string
      exports?: Record<string, { require?: { default?: string } }>
    }
    const file = manifest.exports?.['./renderer']?.require?.default ?? manifest.main
    return file ? join(dirname(manifestPath), file) : undefined
  } catch {
    return undefined
  }
}

function renderInProcess(task: RenderTask): void {
  const { prompt, width, height, seed } = task.args
  try {
    task.resolve(renderPng(prompt, width, height, seed))
  } catch (error) {
    task.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

class WorkerRenderPool implements RenderPool {
  mode: RenderPool['mode'] = 'workers'
  private readonly slots = new Set<Slot>()
  private readonly queue: RenderTask[] = []
  private closing?: Promise<void>

  constructor(
    private readonly size: number,
    private readonly modulePath: string | undefined,
  ) {}

  get threads(): number {
    return this.slots.size
  }

  render(prompt: string, width: number, height: number, seed: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const task: RenderTask = { args: { prompt, width, height, seed }, resolve, reject }
      if (this.closing) return reject(new Error('emulator render pool is closed'))
      if (this.mode === 'in-process') return renderInProcess(task)
      this.queue.push(task)
      this.pump()
    })
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Error('emulator render pool is closed')
      for (const task of this.queue.splice(0)) task.reject(closed)
      const terminations = [...this.slots].map((slot) => {
        slot.task?.reject(closed)
        slot.task = undefined
        return slot.worker.terminate()
      })
      await Promise.all(terminations)
    })()
    return this.closing
  }

  /** Hands queued tasks to idle workers, starting workers while there is room. */
  private pump(): void {
    while (this.queue.length > 0) {
      const slot = [...this.slots].find((candidate) => !candidate.task) ?? this.spawn()
      if (!slot) return
      slot.task = this.queue.shift()!
      // A busy worker keeps the process alive until it answers; an idle one does not.
      slot.worker.ref()
      slot.worker.postMessage(slot.task.args)
    }
  }

  private spawn(): Slot | undefined {
    if (this.mode === 'in-process' || this.slots.size >= this.size) return undefined
    const modulePath = this.modulePath ?? localRendererPath()
    if (!modulePath || !existsSync(modulePath)) return void this.fallBack()
    let worker: Worker
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath }, execArgv: [] })
    } catch {
      return void this.fallBack()
    }
    const slot: Slot = { worker, isReady: false }
    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message))
    worker.on('error', (error) => (slot.error = error))
    worker.on('exit', (code) => this.onExit(slot, code))
    this.slots.add(slot)
    return slot
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.kind === 'ready') return void (slot.isReady = true)
    const task = slot.task
    slot.task = undefined
    slot.worker.unref()
    if (message.kind === 'done') task?.resolve(Buffer.from(message.png))
    else task?.reject(new Error(message.message))
    this.pump()
  }

  /** A worker that never loaded the renderer means none will: draw in-process from then on. One that crashed fails its task and is replaced. */
  private onExit(slot: Slot, code: number): void {
    this.slots.delete(slot)
    const task = slot.task
    slot.task = undefined
    if (!task) return
    if (!slot.isReady) {
      this.fallBack()
      return renderInProcess(task)
    }
    task.reject(new Error(`emulator render worker crashed: ${slot.error?.message ?? `exit code ${code}`}`))
    this.pump()
  }

  private fallBack(): void {
    this.mode = 'in-process'
    for (const task of this.queue.splice(0)) renderInProcess(task)
  }
}
