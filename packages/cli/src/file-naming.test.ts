import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileNameReserver, imageFileName, slugify } from './file-naming'

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
  it('never hands out a name that exists on disk or was handed out before', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'llmkit-names-'))
    await writeFile(join(folder, 'a-s1-1.png'), 'taken')
    const names = new FileNameReserver(folder)
    const [first, second, third] = await Promise.all([
      names.reserve('a-s1-1.png'),
      names.reserve('a-s1-1.png'),
      names.reserve('b.png'),
    ])
    expect([first, second].sort()).toEqual(['a-s1-1-2.png', 'a-s1-1-3.png'])
    expect(third).toBe('b.png')
  })
})
