import { join } from 'node:path'
import { writeFileAtomic } from '@llmkit/sdk'
import type { Manifest } from './manifest'

/** File name of the contact sheet in the output folder. */
export const GALLERY_FILE = 'index.html'

/** One picture on the contact sheet. */
export interface GalleryEntry {
  /** Path relative to the gallery's folder. */
  file: string
  prompt: string
  model: string
  seed?: number
  width?: number
  height?: number
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!)
}

/** A relative URL for a file name: each path segment percent-encoded (`#`, `?`, spaces are safe). */
export function relativeUrl(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/')
}

/** Every image of every finished item in the manifest, in manifest order. */
export function galleryEntries(manifest: Manifest): GalleryEntry[] {
  return manifest.items
    .filter((item) => item.status === 'done')
    .flatMap((item) =>
      item.images.map((image) => ({
        file: image.file,
        prompt: item.prompt,
        model: item.model,
        seed: image.seed,
        width: image.width,
        height: image.height,
      })),
    )
}

/** The caption under an image: `model · seed 7 · 1024×1024`. */
export function captionDetails(entry: GalleryEntry): string {
  const seed = entry.seed === undefined ? 'no seed' : `seed ${entry.seed}`
  const size = entry.width && entry.height ? `${entry.width}×${entry.height}` : 'size unknown'
  return `${entry.model} · ${seed} · ${size}`
}

const STYLE = `
:root { color-scheme: light dark; --bg: #f6f5f2; --card: #fff; --ink: #1d1d1f; --muted: #6b6b70; --line: #e3e1dc; }
@media (prefers-color-scheme: dark) { :root { --bg: #141416; --card: #1e1e21; --ink: #f2f2f3; --muted: #a0a0a8; --line: #2c2c30; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { display: flex; align-items: baseline; gap: 12px; margin: 0 0 20px; }
h1 { font-size: 20px; margin: 0; }
header span { color: var(--muted); }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 16px; }
figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
figure a { display: block; background: var(--line); }
img { display: block; width: 100%; height: 240px; object-fit: contain; }
figcaption { padding: 10px 12px 12px; }
.prompt { margin: 0 0 6px; overflow-wrap: anywhere; }
.details { margin: 0; color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); }
`

/** The contact sheet: self-contained HTML (no outside assets), relative image links, every text escaped. */
export function renderGallery(entries: readonly GalleryEntry[], title = 'llmkit gallery'): string {
  const figures = entries.map((entry) => {
    const url = relativeUrl(entry.file)
    const size = entry.width && entry.height ? ` width="${entry.width}" height="${entry.height}"` : ''
    return `<figure data-file="${escapeHtml(entry.file)}">
  <a href="${url}"><img src="${url}" alt="${escapeHtml(entry.prompt)}" loading="eager"${size}></a>
  <figcaption><p class="prompt">${escapeHtml(entry.prompt)}</p><p class="details">${escapeHtml(captionDetails(entry))}</p></figcaption>
</figure>`
  })
  const count = `${entries.length} image${entries.length === 1 ? '' : 's'}`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@llmkit/cli">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><span>${count}</span></header>
<main>
${figures.length > 0 ? figures.join('\n') : '<p class="empty">No images yet.</p>'}
</main>
</body>
</html>
`
}

/** Writes `index.html` for the manifest into `folder` (atomically). Returns its path. */
export async function writeGallery(folder: string, manifest: Manifest): Promise<string> {
  const path = join(folder, GALLERY_FILE)
  await writeFileAtomic(path, renderGallery(galleryEntries(manifest)))
  return path
}
