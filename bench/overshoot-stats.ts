// Shared by the overshoot benchmarks: one job's measurement, and their summary.

/** How long after the job completed `generateImage` returned, and the status requests it made. */
export interface Sample {
  overshootMs: number
  statusRequests: number
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `runs` jobs, started `staggerMs` apart so their completions do not coincide. */
export const staggered = (run: () => Promise<Sample>, runs: number, staggerMs: number) =>
  Promise.all(Array.from({ length: runs }, (_, index) => sleep(index * staggerMs).then(run)))

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

export function summarize(samples: readonly Sample[]) {
  const overshoot = samples.map((s) => s.overshootMs).sort((a, b) => a - b)
  const requests = samples.map((s) => s.statusRequests).sort((a, b) => a - b)
  return {
    median: quantile(overshoot, 0.5),
    p90: quantile(overshoot, 0.9),
    min: overshoot[0]!,
    max: overshoot.at(-1)!,
    requestsMedian: quantile(requests, 0.5),
    requestsMax: requests.at(-1)!,
  }
}

export type Summary = ReturnType<typeof summarize>

/** One table row: mode, median, p90, range, status requests (median, max). */
export const row = (name: string, s: Summary, width = 34) =>
  `${name.padEnd(width)} ${String(s.median).padStart(6)} ${String(s.p90).padStart(6)} ${`${s.min}–${s.max}`.padStart(10)} ${String(s.requestsMedian).padStart(9)} ${String(s.requestsMax).padStart(6)}`

export const header = (width = 34) =>
  `${'mode'.padEnd(width)} ${'median'.padStart(6)} ${'p90'.padStart(6)} ${'range ms'.padStart(10)} ${'status rq'.padStart(9)} ${'max'.padStart(6)}`
