import { randomUUID } from 'node:crypto'
import type { EmulatorClock } from './emulator-clock'
import { TRAVERSAL_ID_PREFIX, type FaultBook } from './faults'

/** How long emulated jobs take. */
export interface JobTiming {
  /** Time spent queued. Default 200 ms. */
  queueMs?: number
  /** Time spent running after the queue. Default 800 ms. */
  runMs?: number
  /** Queue position at submit time, counting down to 0. Default 2. */
  initialPosition?: number
}

export type JobPhase = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled'

/** An emulated job. `input` is whatever the provider's handler stored at submit. */
export interface EmulatedJob<Input = unknown> {
  readonly id: string
  readonly provider: string
  readonly input: Input
  readonly createdAt: number
  readonly queueMs: number
  readonly runMs: number
  readonly initialPosition: number
  /** Decided at submit from the armed faults. */
  readonly outcome: 'succeed' | 'fail' | 'never'
  canceledAt?: number
  /** Provider-specific memo (for example rendered images), filled once. */
  memo: Record<string, unknown>
}

/** Where a job stands at a moment. */
export interface JobView {
  readonly phase: JobPhase
  /** Queue position while queued. */
  readonly position: number
  /** 0..1 while running. */
  readonly progress: number
  /** When it reached its final phase, if it has. */
  readonly finishedAt?: number
}

/** Jobs of all emulated providers; states follow from the clock, so nothing runs in the background. */
export class JobStore {
  private readonly jobs = new Map<string, EmulatedJob>()

  constructor(
    private readonly clock: EmulatorClock,
    private readonly timing: Required<JobTiming>,
    private readonly faults?: FaultBook,
  ) {}

  create<Input>(
    provider: string,
    input: Input,
    outcome: EmulatedJob['outcome'],
    timing: JobTiming = {},
    id: string = randomUUID(),
  ): EmulatedJob<Input> {
    if (this.faults?.take('id_traversal', provider, 'submit')) id = `${TRAVERSAL_ID_PREFIX}${id}`
    const job: EmulatedJob<Input> = {
      id,
      provider,
      input,
      createdAt: this.clock.now(),
      queueMs: timing.queueMs ?? this.timing.queueMs,
      runMs: timing.runMs ?? this.timing.runMs,
      initialPosition: timing.initialPosition ?? this.timing.initialPosition,
      outcome,
      memo: {},
    }
    this.jobs.set(id, job as EmulatedJob)
    return job
  }

  get<Input = unknown>(id: string): EmulatedJob<Input> | undefined {
    return this.jobs.get(id) as EmulatedJob<Input> | undefined
  }

  /** All jobs, oldest first. */
  all(): EmulatedJob[] {
    return [...this.jobs.values()]
  }

  cancel(id: string): boolean {
    const job = this.jobs.get(id)
    if (!job) return false
    const view = this.view(job)
    if (view.phase === 'succeeded' || view.phase === 'failed' || view.phase === 'canceled') return false
    job.canceledAt = this.clock.now()
    return true
  }

  view(job: EmulatedJob): JobView {
    const now = this.clock.now()
    if (job.canceledAt !== undefined) return { phase: 'canceled', position: 0, progress: 0, finishedAt: job.canceledAt }
    const elapsed = now - job.createdAt
    if (elapsed < job.queueMs) {
      const position = Math.ceil((job.initialPosition + 1) * (1 - elapsed / job.queueMs)) - 1
      return { phase: 'queued', position: Math.max(0, position), progress: 0 }
    }
    const running = elapsed - job.queueMs
    if (job.outcome === 'never' || running < job.runMs) {
      const progress =
        job.outcome === 'never' ? Math.min(0.99, running / Math.max(1, job.runMs)) : running / Math.max(1, job.runMs)
      return { phase: 'running', position: 0, progress: Math.min(0.99, progress) }
    }
    const finishedAt = job.createdAt + job.queueMs + job.runMs
    return { phase: job.outcome === 'fail' ? 'failed' : 'succeeded', position: 0, progress: 1, finishedAt }
  }
}
