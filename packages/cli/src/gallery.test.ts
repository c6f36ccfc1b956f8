import { describe, expect, it } from 'vitest'
import { captionDetails, escapeHtml, galleryEntries, relativeUrl, renderGallery } from './gallery'
import { emptyManifest, type ManifestItem } from './manifest'

const item = (patch: Partial<ManifestItem>): ManifestItem => ({
  id: 'x',
  prompt: 'p',
  model: 'local:sketch',
  n: 1,
  status: 'done',
  files: [],
  images: [],
  jobs: [],
  attempts: 1,
  updatedAt: '',
  ...patch,
})

describe('gallery', () => {
  it('escapes prompts so markup in a prompt stays text', () => {
    const html = renderGallery([
      {
        file: 'a.png',
        prompt: '<script>alert("x")</script> & \'q\'',
        model: 'local:sketch',
        seed: 7,
        width: 64,
        height: 64,
      },
    ])
    expect(html).not.toContain('<script>alert')
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;')
    expect(escapeHtml('a<b')).toBe('a&lt;b')
  })

  it('links images by relative, percent-encoded paths and loads nothing from outside', () => {
    const html = renderGallery([{ file: 'a #1?.png', prompt: 'p', model: 'm' }])
    expect(relativeUrl('a #1?.png')).toBe('a%20%231%3F.png')
    expect(html).toContain('src="a%20%231%3F.png"')
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
    expect(html).not.toMatch(/<link|<script/)
  })

  it('captions model, seed and size', () => {
    expect(
      captionDetails({ file: 'a.png', prompt: 'p', model: 'local:sketch', seed: 7, width: 1792, height: 1024 }),
    ).toBe('local:sketch · seed 7 · 1792×1024')
    expect(captionDetails({ file: 'a.png', prompt: 'p', model: 'dall-e-3' })).toBe('dall-e-3 · no seed · size unknown')
  })

  it('shows the images of finished items only, in manifest order', () => {
    const manifest = {
      ...emptyManifest(),
      items: [
        item({ prompt: 'one', images: [{ file: '1.png', seed: 1 }] }),
        item({ status: 'failed', prompt: 'two', images: [{ file: '2.png' }] }),
        item({ status: 'in_flight', prompt: 'three' }),
      ],
    }
    expect(galleryEntries(manifest)).toEqual([
      { file: '1.png', prompt: 'one', model: 'local:sketch', seed: 1, width: undefined, height: undefined },
    ])
  })
})
