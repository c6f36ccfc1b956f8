/**
 * The promise kept in `memo[key]`, started by `start` the first time: requests
 * that ask at once share it, so a result (a picture) is never made twice, and
 * one that fails is forgotten, so the next request tries again.
 */
export function memoOnce<T>(memo: Record<string, unknown>, key: string, start: () => Promise<T>): Promise<T> {
  const kept = memo[key] as Promise<T> | undefined
  if (kept) return kept
  const promise = start()
  memo[key] = promise
  promise.catch(() => {
    if (memo[key] === promise) delete memo[key]
  })
  return promise
}
