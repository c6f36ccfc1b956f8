/** Edit distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

/** Up to `limit` candidates closest to `wanted`, closest first. */
export function closeMatches(wanted: string, candidates: readonly string[], limit = 3): string[] {
  const target = wanted.toLowerCase()
  return [...new Set(candidates)]
    .map((candidate) => {
      const lower = candidate.toLowerCase()
      const contains = lower.includes(target) || target.includes(lower)
      return { candidate, score: editDistance(target, lower) - (contains ? 3 : 0) }
    })
    .filter(({ candidate, score }) => score <= Math.max(3, Math.floor(candidate.length / 2)))
    .sort((a, b) => a.score - b.score)
    .slice(0, limit)
    .map(({ candidate }) => candidate)
}
