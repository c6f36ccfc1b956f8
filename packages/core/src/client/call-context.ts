import type { Clock } from '../util/clock'
import type { DownloadPolicy } from '../http/download'
import type { DownloadTrust } from '../response/generated-image'
import type { ProviderContext, ProviderProgress } from '../provider/image-provider'
import type { CallScope } from './call-scope'
import type { ImageProgressEvent } from './progress-event'
import type { BoundHttp } from './provider-http'

/** What a provider sees of one call (a class, so a call allocates one object and no closures). */
export class CallContext implements ProviderContext {
  constructor(
    readonly http: BoundHttp,
    private readonly scope: CallScope,
    readonly env: Readonly<Record<string, string | undefined>>,
    private readonly emit: Emit | undefined,
    private readonly warnings: string[],
    private readonly callIndex: number,
    private readonly downloads: DownloadPolicy | undefined = undefined,
  ) {}

  /** The client's download policy and the hosts this call's API requests went to (the provider's base URL host). */
  downloadTrust(): DownloadTrust {
    return { policy: this.downloads, apiHosts: this.http.apiHosts() }
  }

  get clock(): Clock {
    return this.scope.clock
  }

  get signal(): AbortSignal {
    return this.scope.signal
  }

  get deadline(): number {
    return this.scope.deadline
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

/** An event without its timestamp; the emitter adds `elapsedMs`. */
type EventWithoutTime = ImageProgressEvent extends infer E
  ? E extends ImageProgressEvent
    ? Omit<E, 'elapsedMs'>
    : never
  : never
export type Emit = (event: EventWithoutTime) => void
