import type { EmulatorContext } from '../../server/emulated-provider'
import type { EmulatedJob, JobView } from '../../server/job-store'
import type { FalModelRules } from './fal-rules'

/** What the fal emulator keeps per queued request. */
export interface FalJobInput {
  /** Full endpoint id, as submitted (`fal-ai/flux/dev`). */
  readonly endpoint: string
  /** `owner/app`, the prefix of the status, result and cancel paths. */
  readonly app: string
  readonly input: Record<string, unknown>
  readonly rules: FalModelRules
  /** How many images the content-policy fault flagged (counted from the first). */
  readonly flagged: number
  readonly empty: boolean
  readonly failMessage?: string
}

export type FalJob = EmulatedJob<FalJobInput>

interface FalLog {
  message: string
  level: 'STDERR' | 'STDOUT' | 'ERROR' | 'INFO' | 'WARN' | 'DEBUG'
  source: 'USER'
  timestamp: string
}

/** The queue URLs fal hands out for a request (built, not read, by the official client). */
export function queueURLs(context: EmulatorContext, job: FalJob) {
  const base = `${context.mountURL}/${job.input.app}/requests/${job.id}`
  return { response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` }
}

const isDone = (view: JobView) => view.phase !== 'queued' && view.phase !== 'running'

/** tqdm-style progress lines, as diffusers prints them to stderr while sampling. */
function logsOf(job: FalJob, view: JobView): FalLog[] {
  if (view.phase === 'queued' || view.phase === 'canceled') return []
  const steps = Number(job.input.input.num_inference_steps ?? job.input.rules.steps.default)
  const done = view.phase === 'running' ? Math.floor(view.progress * steps) : steps
  const started = job.createdAt + job.queueMs
  const logs: FalLog[] = []
  for (let step = 1; step <= done; step++) {
    const percent = Math.round((step / steps) * 100)
    const bar = '█'.repeat(Math.round(percent / 10)).padEnd(10, ' ')
    const at = started + (job.runMs * step) / steps
    logs.push({
      message: `${String(percent).padStart(3)}%|${bar}| ${step}/${steps} [00:0${Math.min(9, Math.floor((at - started) / 1000))}<00:00, ${(steps / Math.max(0.001, job.runMs / 1000)).toFixed(2)}it/s]`,
      level: 'STDERR',
      source: 'USER',
      timestamp: new Date(at).toISOString(),
    })
  }
  if (view.phase === 'failed')
    logs.push({
      message: `Error during inference: ${job.input.failMessage}`,
      level: 'ERROR',
      source: 'USER',
      timestamp: new Date(view.finishedAt!).toISOString(),
    })
  return logs
}

/** A status object and its HTTP status (202 while queued or running, 200 once completed). */
export function statusOf(context: EmulatorContext, job: FalJob, withLogs: boolean, logsFrom = 0) {
  const view = context.jobs.view(job)
  const common = { request_id: job.id, ...queueURLs(context, job) }
  const allLogs = logsOf(job, view)
  const logs = withLogs ? allLogs.slice(logsFrom) : null
  if (view.phase === 'queued')
    return {
      httpStatus: 202,
      view,
      logCount: 0,
      body: { status: 'IN_QUEUE', queue_position: view.position, ...common },
    }
  if (view.phase === 'running')
    return { httpStatus: 202, view, logCount: allLogs.length, body: { status: 'IN_PROGRESS', logs, ...common } }
  // fal's client types `metrics` as `{ inference_time: number | null }`: a cancelled request ran no inference.
  const metrics = { inference_time: view.phase === 'canceled' ? null : job.runMs / 1000 }
  return { httpStatus: 200, view, logCount: allLogs.length, body: { status: 'COMPLETED', logs, metrics, ...common } }
}

const STREAM_TICK_MS = 12
const STREAM_MAX_MS = 10 * 60_000

const tick = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, STREAM_TICK_MS)
    signal.addEventListener('abort', done, { once: true })
  })

/**
 * The status stream: a server-sent event with the status object whenever it
 * changes (new position, phase or log lines; logs sent once each), until
 * COMPLETED. Checks the job store every few milliseconds of real time, so a
 * manual clock's `advance` is seen at once; stops when the client leaves,
 * the emulator closes, or after ten minutes.
 */
export function statusStream(context: EmulatorContext, job: FalJob, withLogs: boolean): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  // Per-stream signal; the emulator's own is checked every tick rather than listened to (many streams share it).
  const stop = new AbortController()
  const startedAt = Date.now()
  let sentLogs = 0
  let lastKey = ''
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (!stop.signal.aborted && !context.signal.aborted && Date.now() - startedAt < STREAM_MAX_MS) {
        const status = statusOf(context, job, withLogs, sentLogs)
        const key = `${status.body.status}:${'queue_position' in status.body ? status.body.queue_position : ''}:${status.logCount}`
        if (key !== lastKey) {
          lastKey = key
          sentLogs = status.logCount
          controller.enqueue(encoder.encode(`data: ${JSON.stringify(status.body)}\n\n`))
          if (isDone(status.view)) break
          return
        }
        await tick(stop.signal)
      }
      controller.close()
    },
    cancel() {
      stop.abort()
    },
  })
}
