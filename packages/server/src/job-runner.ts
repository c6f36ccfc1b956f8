import {
  ImageGenerationResponse,
  type GenerateOptions,
  type ImageJob,
  type ImageProgressEvent,
  type LLMKitClient,
} from '@llmkit/core'
import { isFinished, type JobRecord, type JobStore } from './job-store'
import type { GatewayMetrics } from './metrics'
import { toErrorAnswer } from './openai-error'
import type { GatewayLogger } from './request-log'
import { toOpenAIResponse } from './to-openai-response'
import type { FileStore } from './file-store'

/** What `GET /v1/images/jobs/{id}/events` sends. */
export interface JobEvent {
  type: 'queued' | 'running' | 'partial_image' | 'image' | 'done' | 'error'
  data: Record<string, unknown>
}

type Listener = (event: JobEvent) => void

interface ActiveJob {
  record: JobRecord
  controller: AbortController
  /** Read by core when the wait ends: a cancel cancels upstream, a shutdown keeps the job for `resumeImage`. */
  options: GenerateOptions & { cancelOnAbort: boolean }
  listeners: Set<Listener>
  isCancelled: boolean
  saving: Promise<void>
  done: Promise<void>
}

/** What the runner needs. */
export interface JobRunnerDeps {
  client: LLMKitClient
  store: JobStore
  files: FileStore
  metrics: GatewayMetrics
  log: GatewayLogger
  fileTtlMs: number
  jobTimeoutMs: number
  /** This gateway's id, for leases in a shared store. */
  instanceId: string
  leaseMs: number
}

/**
 * Runs jobs in the background, persists each one's provider handles as soon
 * as the provider accepts it, and resumes unfinished jobs (this gateway's after
 * a restart, or another's whose lease ran out) with `client.resumeImage`.
 */
export class JobRunner {
  private readonly active = new Map<string, ActiveJob>()
  private isClosing = false

  constructor(private readonly deps: JobRunnerDeps) {}

  get size(): number {
    return this.active.size
  }

  /** Starts a new job. Resolves once the record is stored; `onEnd` runs when the job ends here. */
  async submit(
    record: JobRecord,
    work: (options: GenerateOptions) => Promise<ImageGenerationResponse>,
    onEnd?: () => void,
  ): Promise<void> {
    const active = this.track(record)
    try {
      await this.deps.store.claim(record.id, this.deps.instanceId, this.deps.leaseMs)
      await this.deps.store.save(record)
    } catch (error) {
      this.active.delete(record.id)
      onEnd?.()
      throw error
    }
    this.run(active, work, onEnd)
  }

  /** Resumes every unfinished job nobody else runs. Returns how many were picked up. */
  async resumeUnfinished(): Promise<number> {
    if (this.isClosing) return 0
    let count = 0
    for (const record of await this.deps.store.unfinished()) {
      if (this.active.has(record.id) || this.isClosing) continue
      if (!(await this.deps.store.claim(record.id, this.deps.instanceId, this.deps.leaseMs))) continue
      count += 1
      const active = this.track(record)
      if (record.upstream.length === 0) {
        // Not accepted by the provider before the restart (or a synchronous model): nothing to resume.
        this.active.delete(record.id)
        await this.fail(
          active,
          502,
          'upstream_error',
          'interrupted',
          'The gateway restarted before the provider accepted this job; submit it again',
        )
        continue
      }
      this.deps.log({
        time: new Date().toISOString(),
        level: 'info',
        msg: 'resuming job',
        job_id: record.id,
        upstream: record.upstream.length,
      })
      this.run(active, (options) => this.resumeAll(record, options))
    }
    return count
  }

  /** Live events of a job running here; undefined when it is not (finished, or run by another gateway). */
  subscribe(id: string, listener: Listener): (() => void) | undefined {
    const active = this.active.get(id)
    if (!active) return undefined
    active.listeners.add(listener)
    return () => active.listeners.delete(listener)
  }

  /** The current record of a job running here (fresher than the store's). */
  local(id: string): JobRecord | undefined {
    return this.active.get(id)?.record
  }

  /** Cancels a job: upstream too when it runs here; else marks it so its gateway cancels it. */
  async cancel(record: JobRecord): Promise<JobRecord> {
    const active = this.active.get(record.id)
    if (active) {
      active.isCancelled = true
      active.options.cancelOnAbort = true
      active.controller.abort()
      await active.done
      return active.record
    }
    if (isFinished(record.status)) return record
    const cancelled: JobRecord = { ...record, status: 'cancelled', updatedAt: Date.now() }
    await this.deps.store.save(cancelled)
    return cancelled
  }

  /** Stops waiting on every job without cancelling it upstream: the records stay unfinished for a later resume. */
  async close(): Promise<void> {
    this.isClosing = true
    for (const active of this.active.values()) {
      active.options.cancelOnAbort = false
      active.controller.abort()
    }
    await Promise.all([...this.active.values()].map((active) => active.done))
  }

  private track(record: JobRecord): ActiveJob {
    const controller = new AbortController()
    const active: ActiveJob = {
      record,
      controller,
      options: { signal: controller.signal, cancelOnAbort: true, timeoutMs: this.deps.jobTimeoutMs },
      listeners: new Set(),
      isCancelled: false,
      saving: Promise.resolve(),
      done: Promise.resolve(),
    }
    this.active.set(record.id, active)
    return active
  }

  private run(
    active: ActiveJob,
    work: (options: GenerateOptions) => Promise<ImageGenerationResponse>,
    onEnd?: () => void,
  ): void {
    const { metrics, leaseMs } = this.deps
    metrics.jobsInFlight.inc()
    const id = active.record.id
    const renew = setInterval(() => void this.renew(active).catch(() => undefined), Math.max(50, leaseMs / 3))
    renew.unref()
    active.options.onProgress = (event) => this.onProgress(active, event)
    active.done = work(active.options)
      .then(
        (response) => this.succeed(active, response),
        (error: unknown) => this.failed(active, error),
      )
      .catch((error: unknown) => {
        this.deps.log({
          time: new Date().toISOString(),
          level: 'error',
          msg: 'job bookkeeping failed',
          job_id: id,
          error: String((error as Error)?.message ?? error),
        })
      })
      .finally(() => {
        clearInterval(renew)
        this.active.delete(id)
        metrics.jobsInFlight.dec()
        onEnd?.()
      })
  }

  private async renew(active: ActiveJob): Promise<void> {
    const { store, instanceId, leaseMs } = this.deps
    const kept = await store.claim(active.record.id, instanceId, leaseMs)
    const stored = await store.get(active.record.id)
    // Cancelled through another gateway, or taken over after this one stalled: stop here.
    if (stored?.status === 'cancelled' || !kept) {
      active.isCancelled = stored?.status === 'cancelled'
      active.options.cancelOnAbort = active.isCancelled
      active.controller.abort()
    }
  }

  private onProgress(active: ActiveJob, event: ImageProgressEvent): void {
    const record = active.record
    switch (event.type) {
      case 'submitted':
        record.upstream.push(event.job)
        this.persist(active)
        return
      case 'queued':
        record.status = 'queued'
        record.position = event.position
        this.persist(active)
        this.emit(active, { type: 'queued', data: { id: record.id, position: event.position } })
        return
      case 'running':
        record.status = 'running'
        record.position = undefined
        record.progress = event.progress
        this.persist(active)
        this.emit(active, { type: 'running', data: { id: record.id, progress: event.progress } })
        return
      case 'image':
        this.emit(active, {
          type: 'image',
          data: {
            id: record.id,
            index: event.index,
            width: event.image.width,
            height: event.image.height,
            media_type: event.image.media_type,
          },
        })
        return
      case 'partial_image':
        // Previews arrive as base64 from the streaming APIs that send them.
        this.emit(active, {
          type: 'partial_image',
          data: {
            id: record.id,
            b64_json: event.image.b64_json,
            partial_image_index: event.index,
            media_type: event.image.media_type,
          },
        })
        return
    }
  }

  private async succeed(active: ActiveJob, response: ImageGenerationResponse): Promise<void> {
    const { files, fileTtlMs } = this.deps
    const record = active.record
    record.result = await toOpenAIResponse(response, { ...record.output, files, fileTtlMs })
    record.status = 'succeeded'
    record.progress = 1
    record.position = undefined
    record.updatedAt = Date.now()
    await this.persist(active)
    this.emit(active, { type: 'done', data: { id: record.id, status: record.status, result: record.result } })
  }

  private async failed(active: ActiveJob, error: unknown): Promise<void> {
    // Shutting down: the record stays unfinished, and the next start resumes it.
    if (this.isClosing && !active.isCancelled) return
    if (active.isCancelled) {
      await this.fail(active, 499, 'invalid_request_error', 'cancelled', 'The job was cancelled', 'cancelled')
      return
    }
    const answer = toErrorAnswer(error)
    const record = active.record
    const provider = record.upstream[0]?.provider ?? 'unknown'
    const code = (error as { code?: string }).code ?? 'internal'
    this.deps.metrics.upstreamErrors.inc({ provider, model: record.model, code })
    await this.fail(active, answer.status, answer.body.error.type, answer.body.error.code, answer.body.error.message)
  }

  private async fail(
    active: ActiveJob,
    status: number,
    type: string,
    code: string | null,
    message: string,
    state: 'failed' | 'cancelled' = 'failed',
  ): Promise<void> {
    const record = active.record
    record.status = state
    record.error = { status, message, type, code, param: null }
    record.updatedAt = Date.now()
    await this.persist(active)
    this.emit(active, {
      type: 'error',
      data: { id: record.id, status: record.status, error: { message, type, code, param: null } },
    })
  }

  /** Saves the record after any save in progress (one writer per job, in order). */
  private persist(active: ActiveJob): Promise<void> {
    active.record.updatedAt = Date.now()
    const snapshot = structuredClone(active.record)
    active.saving = active.saving
      .then(() => this.deps.store.save(snapshot))
      .catch((error: unknown) => {
        this.deps.log({
          time: new Date().toISOString(),
          level: 'error',
          msg: 'job store write failed',
          job_id: snapshot.id,
          error: String((error as Error)?.message ?? error),
        })
      })
    return active.saving
  }

  private emit(active: ActiveJob, event: JobEvent): void {
    for (const listener of active.listeners) listener(event)
  }

  private async resumeAll(record: JobRecord, options: GenerateOptions): Promise<ImageGenerationResponse> {
    const { client } = this.deps
    const handles: ImageJob[] = record.upstream
    if (handles.length === 1 && record.calls <= 1) return client.resumeImage(handles[0]!, options)
    const responses = await Promise.all(handles.map((job) => client.resumeImage(job, options)))
    const missing = record.calls - handles.length
    const warnings = responses.flatMap((response) => response.warnings)
    if (missing > 0)
      warnings.push(
        `${missing} of ${record.calls} calls had not reached the provider when the gateway restarted; their images are missing`,
      )
    return new ImageGenerationResponse({
      images: responses.flatMap((response) => response.images),
      model: responses[0]!.model,
      provider: responses[0]!.provider,
      warnings,
      jobs: handles,
    })
  }
}
