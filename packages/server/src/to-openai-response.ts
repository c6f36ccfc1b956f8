import { sniffMediaType, type GeneratedImage, type ImageGenerationResponse } from '@llmkit/core'
import type { FileStore } from './file-store'
import type { GenerationResponseBody } from './schemas'

/** How images leave the gateway: base64 in the body, or URLs (the gateway's own `/v1/files/{id}` for bytes). */
export interface ImageOutput {
  base64: boolean
  files: FileStore
  /** Origin the file URLs start with, such as `http://127.0.0.1:8080`. */
  publicURL: string
  fileTtlMs: number
}

type OpenAIImage = GenerationResponseBody['data'][number]

/** An llmkit response in OpenAI's `ImagesResponse` format. */
export async function toOpenAIResponse(
  response: ImageGenerationResponse,
  output: ImageOutput,
): Promise<GenerationResponseBody> {
  const data = await Promise.all(response.images.map((image) => toOpenAIImage(image, output)))
  const body: GenerationResponseBody = {
    created: response.created,
    data,
    model: response.model,
    provider: response.provider,
  }
  if (response.usage) body.usage = response.usage
  if (response.warnings.length > 0) body.warnings = [...response.warnings]
  return body
}

/** One image: base64, the provider's http(s) URL, or bytes stored and served by the gateway. */
export async function toOpenAIImage(image: GeneratedImage, output: ImageOutput): Promise<OpenAIImage> {
  const out: OpenAIImage = {}
  if (output.base64) {
    out.b64_json = image.b64_json ?? Buffer.from(await image.bytes()).toString('base64')
  } else if (image.url && /^https?:\/\//i.test(image.url)) {
    out.url = image.url
  } else {
    // Base64 from the provider, or a file:/data: URL (the local renderer): never hand out a path.
    const bytes = image.b64_json ? Buffer.from(image.b64_json, 'base64') : asBuffer(await image.bytes())
    const mediaType = image.media_type ?? sniffMediaType(bytes) ?? 'application/octet-stream'
    const id = await output.files.put({ bytes, mediaType }, output.fileTtlMs)
    out.url = `${output.publicURL}/v1/files/${id}`
  }
  if (image.revised_prompt) out.revised_prompt = image.revised_prompt
  return out
}

/** Core's bytes as a Buffer over the same memory (core types them as Uint8Array; on Node they are Buffers already). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
