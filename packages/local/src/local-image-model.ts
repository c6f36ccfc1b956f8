import { createHash, randomInt } from 'node:crypto'
import { join } from 'node:path'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { GeneratedImage, ImageFormat, MAX_SEED, writeFileAtomic } from '@llmkit/core'
import type { GenerateResult, ImageCall, ProviderContext } from '@llmkit/core'
import { renderScene } from './render'
import { encodePng } from './png'
import { LOCAL_MODEL_ID } from './local-models'
import { describeScene, parseScene, type Scene } from './scene'

/**
 * Renders `call.n` pictures; picture i uses seed `seed + i`, so they differ
 * and each can be reproduced alone. Without a seed a random one is drawn and
 * reported in `image.seed`.
 */
export async function generateSketch(
  call: ImageCall,
  context: ProviderContext,
  cacheDir: string,
): Promise<GenerateResult> {
  const scene = parseScene(call.prompt, call.negativePrompt)
  const warning = sceneWarning(scene)
  if (warning) context.warn(warning)
  const firstSeed = call.seed ?? randomInt(0, MAX_SEED + 1)
  const images: GeneratedImage[] = []
  for (let i = 0; i < call.n; i++) {
    // Rendering is synchronous: yield between pictures so an abort or a deadline can land.
    if (i > 0) await yieldToEventLoop()
    context.signal.throwIfAborted()
    context.progress({ phase: 'running', progress: i / call.n, message: `painting image ${i + 1} of ${call.n}` })
    images.push(await paint(call, scene, (firstSeed + i) % (MAX_SEED + 1), cacheDir))
  }
  return { images }
}

/** What to tell the caller when the prompt asks for more than the painter can draw: what it skipped and what it drew. */
export function sceneWarning(scene: Scene): string | undefined {
  const drew = `it drew: ${describeScene(scene)}`
  if (scene.unknown.length > 0) {
    const list = scene.unknown.map((word) => `"${word}"`).join(', ')
    return `${LOCAL_MODEL_ID} paints procedural landscapes and cannot draw ${list}; ${drew}`
  }
  if (scene.recognized.length === 0) {
    return `${LOCAL_MODEL_ID} paints procedural landscapes and found no subject it knows in the prompt, so it drew a default landscape; words it understands include mountains, lake, sea, river, forest, city, sunset, night and colour names; ${drew}`
  }
  return undefined
}

async function paint(call: ImageCall, scene: Scene, seed: number, cacheDir: string): Promise<GeneratedImage> {
  const { width, height } = call
  const png = encodePng(renderScene(scene, { width, height, seed }).pixels, width, height)
  const metadata = { width, height, seed, media_type: 'image/png', revised_prompt: describeScene(scene) }
  if (call.format === ImageFormat.B64Json) return GeneratedImage.from_b64(png.toString('base64'), metadata)
  // Named by content: the same picture is one file however often it is asked for.
  const path = join(cacheDir, 'images', `${createHash('sha256').update(png).digest('hex').slice(0, 32)}.png`)
  await writeFileAtomic(path, png)
  // The bytes stay with the image: its file: URL is for people, never read back (core refuses file: URLs).
  return GeneratedImage.from_bytes(png, { ...metadata, url: pathToFileURL(path).href })
}
