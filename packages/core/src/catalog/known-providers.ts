/** Where the documented models live, so an unrouted id can say what to install or set. */
export interface KnownProvider {
  readonly id: string
  readonly packageName: string
  readonly env: string
  readonly models: readonly string[]
}

/** The providers llmkit ships, with the documented model ids each serves. */
export const KNOWN_PROVIDERS: readonly KnownProvider[] = [
  {
    id: 'openai',
    packageName: '@llmkit/openai',
    env: 'OPENAI_API_KEY',
    models: ['dall-e-3', 'dall-e-2', 'gpt-image-1'],
  },
  {
    id: 'fal',
    packageName: '@llmkit/fal',
    env: 'FAL_API_KEY',
    models: ['fal-ai/flux/dev', 'fal-ai/flux/schnell', 'fal-ai/stable-diffusion-3'],
  },
  {
    id: 'stability',
    packageName: '@llmkit/stability',
    env: 'STABILITY_API_KEY',
    models: ['stability-ai/stable-diffusion-xl', 'stability-ai/stable-diffusion-3'],
  },
  { id: 'recraft', packageName: '@llmkit/recraft', env: 'RECRAFT_API_TOKEN', models: ['recraft-v3'] },
  { id: 'replicate', packageName: '@llmkit/replicate', env: 'REPLICATE_API_TOKEN', models: [] },
  { id: 'runway', packageName: '@llmkit/runway', env: 'RUNWAYML_API_SECRET', models: [] },
  { id: 'arta', packageName: '@llmkit/arta', env: 'ARTA_API_KEY', models: [] },
  { id: 'imagelabs', packageName: '@llmkit/imagelabs', env: 'IMAGELABS_ENABLED=1', models: [] },
  { id: 'local', packageName: '@llmkit/local', env: '(none)', models: ['sketch'] },
]

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
