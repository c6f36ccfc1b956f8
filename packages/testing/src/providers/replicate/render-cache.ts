import type { EmulatorContext } from '../../server/emulated-provider'

const MAX_ENTRIES = 32
const cache = new Map<string, Promise<Buffer>>()

/**
 * `context.render` with a small cache: the renderer is deterministic, and a
 * megapixel takes it the better part of a second (benchmarks run many equal
 * jobs). Equal renders asked for at once share one; a failed one is not kept.
 */
export function renderCached(
  context: EmulatorContext,
  prompt: string,
  width: number,
  height: number,
  seed: number,
): Promise<Buffer> {
  const key = `${width}x${height}:${seed}:${prompt}`
  let png = cache.get(key)
  if (!png) {
    const rendering = context.render(prompt, width, height, seed)
    rendering.catch(() => {
      if (cache.get(key) === rendering) cache.delete(key)
    })
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!)
    cache.set(key, rendering)
    png = rendering
  }
  return png
}
