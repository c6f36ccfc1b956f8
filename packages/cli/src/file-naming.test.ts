import { spawnSync } from 'node:child_process'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isProcessAlive } from '@llmkit/sdk'
import { FileNameReserver, imageFileName, removeStaleTemporaryFiles, slugify } from './file-naming'

describe('slugify', () => {
  it.each([
    ['A serene mountain landscape', 'a-serene-mountain-landscape'],
    ['Café crème at dawn', 'cafe-creme-at-dawn'],
    ['../../etc/passwd', 'etc-passwd'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a-b-c-d-e-f-g-h-i-j'],
    ['日本の山', 'image'],
    ['   ', 'image'],
    ['🎨🎨', 'image'],
    ['CON', 'con-image'],
  ])('%j → %j', (prompt, slug) => {
    expect(slugify(prompt)).toBe(slug)
  })

  it('cuts a very long prompt at a word boundary, at most 48 characters', () => {
    const slug = slugify('word '.repeat(500))
    expect(slug.length).toBeLessThanOrEqual(48)
    expect(slug).toMatch(/^word(-word)+$/)
    expect(slugify('x'.repeat(500))).toBe('x'.repeat(48))
  })
})

describe('imageFileName', () => {
  it('joins slug, seed and 1-based index', () => {
    expect(imageFileName('A lake', 1, 'png', 7)).toBe('a-lake-s7-1.png')
    expect(imageFileName('A lake', 2, 'jpg')).toBe('a-lake-2.jpg')
  })
})

describe('FileNameReserver', () => {
  it('never overwrites a file on disk or one written before, and leaves no temporary file', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'llmkit-names-'))
    await writeFile(join(folder, 'a-s1-1.png'), 'taken')
    const names = new FileNameReserver(folder)
    const [first, second, third] = await Promise.all([
      names.write('a-s1-1.png', Buffer.from('one')),
      names.write('a-s1-1.png', Buffer.from('two')),
      names.write('b.png', Buffer.from('three')),
    ])
    expect([first, second].sort()).toEqual(['a-s1-1-2.png', 'a-s1-1-3.png'])
    expect(third).toBe('b.png')
    expect(await readFile(join(folder, 'a-s1-1.png'), 'utf8')).toBe('taken')
    expect(await readFile(join(folder, first!), 'utf8')).toBe('one')
    expect((await readdir(folder)).sort()).toEqual(['a-s1-1-2.png', 'a-s1-1-3.png', 'a-s1-1.png', 'b.png'])
  })

  it('two writers that do not share a reserver (two processes) still never share a name', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'llmkit-names-'))
    const written = await Promise.all(
      Array.from({ length: 8 }, (_, index) => new FileNameReserver(folder).write('x.png', Buffer.from(`${index}`))),
    )
    expect(new Set(written).size).toBe(8)
    const contents = await Promise.all(written.map((name) => readFile(join(folder, name), 'utf8')))
    expect(contents.sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7'])
  })
})

describe('removeStaleTemporaryFiles', () => {
  it('removes temporary files of dead processes only', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'llmkit-names-'))
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    const dead = Number(child.stdout)
    expect(isProcessAlive(dead)).toBe(false)
    const stale = `.llmkit-manifest.json.${dead}.0a1b2c.tmp`
    const live = `.a.png.${process.pid}.abcdef.tmp`
    for (const name of [stale, live, 'keep.png', 'other.tmp']) await writeFile(join(folder, name), '')
    expect(await removeStaleTemporaryFiles(folder)).toEqual([stale])
    expect((await readdir(folder)).sort()).toEqual([live, 'keep.png', 'other.tmp'].sort())
  })
})
