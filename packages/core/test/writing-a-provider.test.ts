import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'

const repository = new URL('../../../', import.meta.url)
const read = (path: string) => readFile(new URL(path, repository), 'utf8')

describe('WRITING-A-PROVIDER.md', () => {
  it('shows the example plugin files verbatim', async () => {
    const guide = await read('packages/core/WRITING-A-PROVIDER.md')
    const blocks = [...guide.matchAll(/<!-- verbatim: (\S+) -->\n```\w+\n([\s\S]*?)```\n/g)]
    expect(blocks.map(([, path]) => path)).toEqual([
      'examples/plugin-bfl/package.json',
      'examples/plugin-bfl/src/bfl-provider.ts',
      'examples/plugin-bfl/src/bfl-models.ts',
      'examples/plugin-bfl/src/bfl-image-model.ts',
      'examples/plugin-bfl/src/bfl-options.ts',
      'examples/plugin-bfl/src/bfl-api.ts',
      'examples/plugin-bfl/src/bfl-conformance.test.ts',
    ])
    for (const [, path, code] of blocks) expect(code, `the guide's copy of ${path}`).toBe(await read(path!))
  })
})
