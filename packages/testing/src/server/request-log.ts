/** A request the emulator received, as the provider's servers would see it. */
export interface RecordedRequest {
  readonly provider: string
  readonly endpoint: string
  readonly method: string
  /** Full URL. */
  readonly url: string
  /** Path relative to the provider's mount, for example `/v1/images/generations`. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** Parsed JSON body, when the content type was JSON. */
  readonly json?: unknown
  /** Parsed urlencoded form body. */
  readonly form?: Readonly<Record<string, string>>
  /** Parsed multipart fields; files appear as `{ filename, size, type }`. */
  readonly multipart?: Readonly<Record<string, string | { filename: string; size: number; type: string }>>
  /** Emulator clock time of arrival. */
  readonly at: number
}

/** Parses a body for the log according to its content type. */
export async function describeBody(
  contentType: string,
  body: Buffer,
  url: string,
): Promise<Pick<RecordedRequest, 'json' | 'form' | 'multipart'>> {
  if (body.length === 0) return {}
  if (contentType.includes('application/json')) {
    try {
      return { json: JSON.parse(body.toString('utf8')) }
    } catch {
      return {}
    }
  }
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return { form: Object.fromEntries(new URLSearchParams(body.toString('utf8'))) }
  }
  if (contentType.includes('multipart/form-data')) {
    try {
      const data = await new Request(url, { method: 'POST', headers: { 'content-type': contentType }, body }).formData()
      const fields: Record<string, string | { filename: string; size: number; type: string }> = {}
      for (const [name, value] of data.entries()) {
        fields[name] = typeof value === 'string' ? value : { filename: value.name, size: value.size, type: value.type }
      }
      return { multipart: fields }
    } catch {
      return {}
    }
  }
  return {}
}
