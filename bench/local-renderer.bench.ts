/**
 * Speed of the local renderer: painting and encoding a 1024x1024 PNG, against
 * a baseline measured in the same run (a flat buffer through the same
 * encoder), so the ratio stays meaningful on a busy or slow machine.
 *
 *   npx tsx bench/local-renderer.bench.ts [runs]
 */
import { encodePng, parseScene, renderScene } from '../packages/local/src/index'

const SIZE = 1024
const RUNS = Number(process.argv[2] ?? 15)
const WARMUP = 3
const PROMPTS = [
  'A serene mountain landscape',
  'a futuristic city at night',
  'a peaceful forest with sunlight',
  'a lake at sunset with purple sky',
]

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

let lastCpuMs = 0

/**
 * Median wall time of `work` over RUNS runs, after WARMUP untimed runs. Also
 * leaves the mean CPU time per run in `lastCpuMs`, steadier than wall time on
 * a shared machine.
 */
function measure(work: (run: number) => void): number {
  for (let run = 0; run < WARMUP; run++) work(run)
  const times: number[] = []
  const cpu = process.cpuUsage()
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now()
    work(run)
    times.push(performance.now() - started)
  }
  const used = process.cpuUsage(cpu)
  lastCpuMs = (used.user + used.system) / 1000 / RUNS
  return median(times)
}

const flat = new Uint8Array(SIZE * SIZE * 3)
for (let i = 0; i < flat.length; i += 3) [flat[i], flat[i + 1], flat[i + 2]] = [90, 140, 200]
const baselineMs = measure(() => encodePng(flat, SIZE, SIZE))

console.log(`local renderer, ${SIZE}x${SIZE}, median of ${RUNS} runs after ${WARMUP} warm-up (node ${process.version})`)
console.log(
  `baseline: encodePng of a flat buffer  ${baselineMs.toFixed(1).padStart(7)} ms        (cpu ${lastCpuMs.toFixed(0)} ms)`,
)
const all: number[] = []
for (const prompt of PROMPTS) {
  const scene = parseScene(prompt)
  let renderMs = 0
  const totalMs = measure((run) => {
    const started = performance.now()
    const { pixels } = renderScene(scene, { width: SIZE, height: SIZE, seed: run })
    renderMs += performance.now() - started
    encodePng(pixels, SIZE, SIZE)
  })
  all.push(totalMs)
  const paintMs = renderMs / (RUNS + WARMUP)
  console.log(
    `${prompt.padEnd(36)} ${totalMs.toFixed(1).padStart(7)} ms/image  (cpu ${lastCpuMs.toFixed(0)} ms, paint ~${paintMs.toFixed(0)} ms)  ${(totalMs / baselineMs).toFixed(2)}x baseline`,
  )
}
const overall = median(all)
console.log(
  `median over prompts                  ${overall.toFixed(1).padStart(7)} ms/image  ${(overall / baselineMs).toFixed(2)}x baseline`,
)
