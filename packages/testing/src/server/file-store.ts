import { randomUUID } from 'node:crypto'

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

  constructor(private readonly origin: string) {}

  /** Stores bytes and returns their URL. */
  put(provider: string, bytes: Buffer, mediaType = 'image/png'): string {
    const extension = mediaType === 'image/svg+xml' ? 'svg' : (mediaType.split('/')[1] ?? 'bin')
    const id = `${randomUUID()}.${extension}`
    this.files.set(id, { id, provider, bytes, mediaType })
    return `${this.origin}/files/${id}`
  }

  get(id: string): StoredFile | undefined {
    return this.files.get(id)
  }
}
