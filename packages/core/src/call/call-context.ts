import type { DownloadPolicy } from '../http/image-download'
import type { DownloadTrust } from '../response/generated-image'
import type { BoundHttp } from './bound-http'
import type { ImageJob } from '../provider/image-job'
import type { GenerateResult, ProviderContext, ProviderProgress } from '../provider/image-provider'
import type { Clock } from '../util/clock'
import type { CallScope } from './call-scope'
import type { ImageProgressEvent } from './progress-event'

/** An event without its timestamp; the emitter adds `elapsedMs`. */
type EventWithoutTime = ImageProgressEvent extends infer E
  ? E extends ImageProgressEvent
    ? Omit<E, 'elapsedMs'>
    : never
  : never
export type Emit = (event: EventWithoutTime) => void

/** What one call produced. */
export interface CallOutcome extends GenerateResult {
  readonly job?: ImageJob
}

/** What a provider sees of one call; it also collects that call's warnings. */
export class CallContext implements ProviderContext {
  readonly clock: Clock
  readonly deadline: number
  /** Warnings this call added, in order, without repeats. */
  readonly warnings: string[] = []

  constructor(
    readonly http: BoundHttp,
    readonly scope: CallScope,
    readonly env: Readonly<Record<string, string | undefined>>,
    readonly emit: Emit | undefined,
    readonly callIndex: number,
    private readonly downloads: DownloadPolicy | undefined,
  ) {
    this.clock = scope.clock
    this.deadline = scope.deadline
  }

  /** The call's signal (made on first use; see {@link CallScope}). */
  get signal(): AbortSignal {
    return this.scope.signal
  }

  /** The client's download policy and the hosts this call's API requests went to (the provider's base URL host). */
  downloadTrust(): DownloadTrust {
    return { policy: this.downloads, apiHosts: this.http.apiHosts() }
  }

  warn(message: string): void {
    if (this.warnings.includes(message)) return
    this.warnings.push(message)
    this.emit?.({ type: 'warning', message })
  }

  progress(update: ProviderProgress): void {
    const { callIndex, emit } = this
    if (!emit) return
    emit(
      update.phase === 'queued'
        ? { type: 'queued', callIndex, position: update.position, message: update.message }
        : update.phase === 'partial_image'
          ? { type: 'partial_image', callIndex, index: update.index, image: update.image }
          : { type: 'running', callIndex, progress: update.progress, message: update.message },
    )
  }
}
