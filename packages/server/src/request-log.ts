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

/** Where log lines go. */
export type GatewayLogger = (entry: RequestLogEntry) => void

/** One JSON line per entry on stdout. */
export const jsonLinesToStdout: GatewayLogger = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`)
}

/** Drops every line (for benchmarks and embedding). */
export const silentLogger: GatewayLogger = () => undefined
