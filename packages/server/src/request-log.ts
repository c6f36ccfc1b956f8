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

/**
 * One JSON line per entry on `stream`, the lines of one event-loop turn
 * written together (stdout to a file or pipe is a synchronous write on Linux:
 * one per request would cost a system call each under load).
 */
export function jsonLines(stream: { write(text: string): unknown }): GatewayLogger {
  let held = ''
  let isScheduled = false
  const flush = () => {
    isScheduled = false
    if (held === '') return
    const text = held
    held = ''
    stream.write(text)
  }
  const logger: GatewayLogger = (entry) => {
    held += `${JSON.stringify(entry)}\n`
    if (!isScheduled) {
      isScheduled = true
      setImmediate(flush)
    }
  }
  logger.flush = flush
  return logger
}

/** One JSON line per entry on stdout (see {@link jsonLines}). */
export const jsonLinesToStdout: GatewayLogger = jsonLines({ write: (text) => process.stdout.write(text) })

/** Drops every line (for benchmarks and embedding). */
export const silentLogger: GatewayLogger = () => undefined
