import ora, { type Ora } from 'ora'
import type { ImageProgressEvent } from '@llmkit/sdk'

/** Seconds with one decimal: `3.4s`. */
export function formatElapsed(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`
}

/** The phase text for one progress event, or undefined when the event changes nothing shown. */
export function phaseText(event: ImageProgressEvent): string | undefined {
  switch (event.type) {
    case 'submitted':
      return 'submitted'
    case 'queued':
      return event.position === undefined ? 'queued' : `queued (position ${event.position + 1})`
    case 'running':
      return event.progress === undefined ? 'running' : `running ${Math.round(event.progress * 100)}%`
    case 'downloading':
      return 'downloading'
    case 'done':
      return 'done'
    default:
      return undefined
  }
}

/** Where progress goes: a spinner on stderr, or nowhere (`--json`). */
export interface ProgressOptions {
  stream: NodeJS.WritableStream
  isSilent: boolean
  /** Start time, default now. */
  startedAt?: number
}

/**
 * A spinner on stderr whose text is `<label> · <phase> · <elapsed>`, refreshed
 * on each event and once a second. ora handles TTY detection and escapes; on a
 * pipe it prints nothing while spinning.
 */
export class ProgressLine {
  private readonly spinner: Ora
  private readonly startedAt: number
  private phase = 'starting'
  private timer?: NodeJS.Timeout
  private readonly stream: NodeJS.WritableStream
  /** A live terminal: colours and redraws. Otherwise (a pipe, a log file) plain lines. */
  private readonly isTerminal: boolean

  constructor(
    private label: string,
    options: ProgressOptions,
  ) {
    this.stream = options.stream
    this.startedAt = options.startedAt ?? Date.now()
    // A terminal that reports zero columns (some pseudo-terminals) sends ora's redraw into a loop: treat it as no terminal.
    const terminal = options.stream as NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
    this.isTerminal = Boolean(terminal.isTTY) && (terminal.columns ?? 0) > 0 && !process.env.CI
    this.spinner = ora({
      stream: options.stream,
      isSilent: options.isSilent,
      isEnabled: this.isTerminal,
      discardStdin: false,
      text: this.text(),
    })
  }

  start(): this {
    this.spinner.start()
    this.timer = setInterval(() => this.render(), 1000)
    this.timer.unref()
    return this
  }

  /** Shows the phase an event reports. */
  update(event: ImageProgressEvent): void {
    const phase = phaseText(event)
    if (phase) this.setPhase(phase)
  }

  setPhase(phase: string, label?: string): void {
    this.phase = phase
    if (label !== undefined) this.label = label
    this.render()
  }

  /** Prints a line above the spinner (warnings). */
  note(line: string): void {
    if (!this.spinner.isSilent) {
      const spinning = this.spinner.isSpinning
      if (spinning) this.spinner.clear()
      this.stream.write(`${line}\n`)
      if (spinning) this.spinner.render()
    }
  }

  succeed(text: string): void {
    this.stop()
    const line = `${text} in ${this.elapsed()}`
    // ora colours its symbols even on a pipe; a log file should get plain text.
    if (this.isTerminal) this.spinner.succeed(line)
    else this.spinner.stopAndPersist({ symbol: '✔', text: line })
  }

  fail(text: string): void {
    this.stop()
    if (this.isTerminal) this.spinner.fail(text)
    else this.spinner.stopAndPersist({ symbol: '✖', text })
  }

  /** Stops without a final line. */
  clear(): void {
    this.stop()
    this.spinner.stop()
  }

  elapsed(): string {
    return formatElapsed(Date.now() - this.startedAt)
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  private render(): void {
    this.spinner.text = this.text()
  }

  private text(): string {
    return `${this.label} · ${this.phase} · ${formatElapsed(Date.now() - this.startedAt)}`
  }
}
