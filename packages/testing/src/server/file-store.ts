import { randomUUID } from 'node:crypto'
import { HOSTILE_FILE_URL, HOSTILE_METADATA_URL, type FaultBook } from './faults'

/** A stored image the emulator serves at `/files/<id>`. */
export interface StoredFile {
  readonly id: string
  readonly provider: string
  readonly bytes: Buffer
  readonly mediaType: string
}

/** Images the emulators hand out as URLs, served by the same loopback server. */
export class FileStore {
  private readonly files = new Map<string, StoredFile>()

  constructor(
    private readonly origin: string,
    private readonly faults?: FaultBook,
  ) {}

  /** Stores bytes and returns their URL (or, with an `image_url_*` fault armed, a hostile URL instead). */
  put(provider: string, bytes: Buffer, mediaType = 'image/png'): string {
    const hostile = this.faults?.take(['image_url_file', 'image_url_metadata'], provider, 'image_url')
    if (hostile) return hostile.kind === 'image_url_file' ? HOSTILE_FILE_URL : HOSTILE_METADATA_URL
    const extension = mediaType === 'image/svg+xml' ? 'svg' : (mediaType.split('/')[1] ?? 'bin')
    const id = `${randomUUID()}.${extension}`
    this.files.set(id, { id, provider, bytes, mediaType })
    return `${this.origin}/files/${id}`
  }

  get(id: string): StoredFile | undefined {
    return this.files.get(id)
  }
}
