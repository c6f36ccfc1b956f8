/** One structured log line per request: ids, timings, names; never a key, a prompt or a stack. */
export interface RequestLogEntry {
  time: string
  level: 'info' | 'warn' | 'error'
  msg: string
  request_id?: string
  method?: string
  route?: string
  status?: number
  duration_ms?: number
  key?: string
  provider?: string
  model?: string
  error_code?: string
  [field: string]: unknown
}

/** Where log lines go; `flush`, when there, writes what is held back (the gateway calls it on close). */
export type GatewayLogger = ((entry: RequestLogEntry) => void) & { flush?(): void }

/** How long a log line may wait to be written with the next ones. */
const HOLD_MS = 10
/** Held text past which the lines are written at once. */
const HOLD_CHARS = 64 * 1024

/**
 * One JSON line per entry on `stream`, the lines of up to 10 ms (`HOLD_MS`)
 * written together (stdout to a file or pipe is a synchronous write on Linux:
 * one per request, or even per event-loop turn, is a system call every request
 * or two under load). The timer does not hold the process open; the gateway
 * flushes on close.
 */
export function jsonLines(stream: { write(text: string): unknown }): GatewayLogger {
  let held = ''
  let timer: NodeJS.Timeout | undefined
  const flush = () => {
    clearTimeout(timer)
    timer = undefined
    if (held === '') return
    const text = held
    held = ''
    stream.write(text)
  }
  const logger: GatewayLogger = (entry) => {
    held += `${JSON.stringify(entry)}\n`
    if (held.length >= HOLD_CHARS) flush()
    else if (!timer) timer = setTimeout(flush, HOLD_MS).unref()
  }
  logger.flush = flush
  return logger
}

/** One JSON line per entry on stdout (see {@link jsonLines}). */
export const jsonLinesToStdout: GatewayLogger = jsonLines({ write: (text) => process.stdout.write(text) })

/** Drops every line (for benchmarks and embedding). */
export const silentLogger: GatewayLogger = () => undefined
