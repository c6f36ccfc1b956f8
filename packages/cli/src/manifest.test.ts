import { appendFile, mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { JOURNAL_FILE, MANIFEST_FILE, openManifest, type ManifestItem } from './manifest'

function item(id: string, status: ManifestItem['status']): ManifestItem {
  return {
    id,
    prompt: id,
    model: 'local:sketch',
    n: 1,
    status,
    files: [],
    images: [],
    jobs: [],
    attempts: 1,
    updatedAt: '',
  }
}

describe('ManifestStore', () => {
  it('records each change in the journal before returning; a new store replays it over the manifest', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'llmkit-manifest-'))
    const store = await openManifest(folder)
    store.record(item('a', 'in_flight'))
    store.record(item('b', 'in_flight'))
    store.record(item('a', 'done'))
    // Nothing awaited: what a SIGKILL right now would leave is the journal.
    const journal = await readFile(join(folder, JOURNAL_FILE), 'utf8')
    expect(journal.trim().split('\n')).toHaveLength(3)
    await appendFile(join(folder, JOURNAL_FILE), '{"item":{"id":"c","sta') // a line cut off by a kill
    const replayed = await openManifest(folder)
    expect(replayed.manifest.items.map((entry) => [entry.id, entry.status])).toEqual([
      ['a', 'done'],
      ['b', 'in_flight'],
    ])
    await store.close()
    await replayed.close()
  })

  it('compact() folds the journal into the manifest and empties it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'llmkit-manifest-'))
    const store = await openManifest(folder)
    store.record(item('a', 'done'))
    await store.compact()
    await store.close()
    expect(await readFile(join(folder, JOURNAL_FILE), 'utf8')).toBe('')
    const manifest = JSON.parse(await readFile(join(folder, MANIFEST_FILE), 'utf8')) as { items: ManifestItem[] }
    expect(manifest.items.map((entry) => entry.status)).toEqual(['done'])
    expect((await openManifest(folder)).manifest.items).toHaveLength(1)
  })
})
