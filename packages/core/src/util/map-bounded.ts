/**
 * Runs `task` over `items` with at most `concurrency` in flight, and returns
 * every outcome in input order (like `Promise.allSettled`). Once `signal`
 * aborts, no new item starts (each is rejected with the signal's reason); the
 * started ones are always awaited.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      if (signal?.aborted) {
        results[index] = { status: 'rejected', reason: signal.reason }
        continue
      }
      try {
        results[index] = { status: 'fulfilled', value: await task(items[index]!, index) }
      } catch (reason) {
        results[index] = { status: 'rejected', reason }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  return results
}
