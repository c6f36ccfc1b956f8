import type { EmulatorContext } from '../../server/emulated-provider'

const MAX_ENTRIES = 32
const cache = new Map<string, Buffer>()

/**
 * `context.render` with a small cache: the renderer is deterministic, and a
 * megapixel takes it the better part of a second, which would stall every
 * other request of an in-process emulator (benchmarks run many equal jobs).
 */
export function renderCached(context: EmulatorContext, prompt: string, width: number, height: number, seed: number): Buffer {
  const key = `${width}x${height}:${seed}:${prompt}`
  let png = cache.get(key)
  if (!png) {
    png = context.render(prompt, width, height, seed)
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!)
    cache.set(key, png)
  }
  return png
}
