import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFile(new URL(`../${path}`, import.meta.url), 'utf8')

describe('README', () => {
  it('shows every file it says is verbatim exactly as it is', async () => {
    const readme = await read('README.md')
    const blocks = [...readme.matchAll(/<!-- verbatim: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)]
    expect(blocks.map(([, path]) => path)).toEqual(['test/emulate-your-own-api.test.ts'])
    for (const [, path, code] of blocks) expect(code, `README block for ${path}`).toBe(await read(path!))
  })
})
