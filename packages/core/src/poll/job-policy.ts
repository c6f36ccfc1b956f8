import { DEFAULT_POLL, type PollOptions } from './poll-interval'

/** What decides a job's fate on abort and at the deadline, and how it is polled. */
export interface JobPolicy {
  readonly poll: Required<PollOptions>
  /** Cancel upstream when the deadline passes (else hand the job back for `resumeImage`). */
  readonly cancelOnTimeout: boolean
  /** Cancel upstream when the caller aborts (else hand the job back). */
  readonly cancelOnAbort: boolean
}

/** The cancel choices a call's options and its client's settings may make. */
interface CancelChoices {
  readonly cancelOnTimeout?: boolean
  readonly cancelOnAbort?: boolean
}

/**
 * A call's job policy. The cancel choices are read when a job is abandoned, not when the call starts:
 * a caller may decide meanwhile (a server shutting down keeps its jobs for `resumeImage`).
 */
export function jobPolicy(
  options: CancelChoices,
  settings: CancelChoices & { readonly poll?: PollOptions },
): JobPolicy {
  return {
    poll: { ...DEFAULT_POLL, ...settings.poll },
    get cancelOnTimeout() {
      return options.cancelOnTimeout ?? settings.cancelOnTimeout ?? true
    },
    get cancelOnAbort() {
      return options.cancelOnAbort ?? settings.cancelOnAbort ?? true
    },
  }
}
