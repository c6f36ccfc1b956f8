import { isProcessAlive } from './process-alive'

/**
 * Calls `stop` once any of the processes named in `pids` (comma-separated, as in `LLMKIT_EXIT_WITH`) is gone.
 * For a long-running command started through `pnpm <script>`: pnpm exits on SIGTERM without passing it on,
 * so the script names pnpm and itself, and the command stops with them instead of being orphaned.
 */
export function exitWithParents(pids: string | undefined, stop: () => void, intervalMs = 250): void {
  const watched = (pids ?? '')
    .split(',')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 1)
  if (watched.length === 0) return
  const timer = setInterval(() => {
    if (watched.every(isProcessAlive)) return
    clearInterval(timer)
    stop()
  }, intervalMs)
  timer.unref()
}
