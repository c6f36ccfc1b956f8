import { join } from 'node:path'
import { extensionFor, type GeneratedImage, definedFields } from '@llmkit/sdk'
import { imageFileName, type FileNameReserver } from './file-naming'

/** An image written to the output folder. */
export interface SavedImage {
  /** File name inside the output folder (what the gallery and manifest link to). */
  file: string
  /** Full path. */
  path: string
  seed?: number
  width?: number
  height?: number
}

/** What naming needs to know about the request. */
export interface NamingInput {
  prompt: string
  /** The seed asked for, used when the provider does not report one. */
  seed?: number
  /** Requested size, used when the image does not carry its own. */
  width?: number
  height?: number
}

/**
 * Saves every image under a fresh, collision-free name built from the prompt,
 * the seed and the index. Names are claimed atomically (see
 * {@link FileNameReserver}), so neither a concurrent `llmkit` process nor an
 * interrupted save ever leaves a half-written or overwritten file.
 */
export async function saveImages(
  images: readonly GeneratedImage[],
  folder: string,
  names: FileNameReserver,
  input: NamingInput,
  signal?: AbortSignal,
): Promise<SavedImage[]> {
  const saved: SavedImage[] = []
  for (const [position, image] of images.entries()) {
    signal?.throwIfAborted()
    const seed = image.seed ?? (input.seed === undefined ? undefined : input.seed + position)
    const bytes = await image.bytes({ signal })
    signal?.throwIfAborted()
    const file = await names.write(
      imageFileName(input.prompt, position + 1, extensionFor(image.media_type), seed),
      bytes,
    )
    const path = join(folder, file)
    saved.push(
      definedFields({ file, path, seed, width: image.width ?? input.width, height: image.height ?? input.height }),
    )
  }
  return saved
}
