// "Save generated images": one image per prompt, written to generated_images/image_N.png.
// Offline by default (local renderer); uses dall-e-3 when OPENAI_API_KEY is set.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LLMKitClient, ImageGenerationRequest, ImageSize, ImageQuality, ImageFormat } from '@llmkit/sdk'

async function generateAndSaveImages(prompts: string[], outputDir = 'generated_images'): Promise<string[]> {
  const client = LLMKitClient.fromEnv()
  const model = process.env.OPENAI_API_KEY ? 'dall-e-3' : 'local:sketch'
  const saved: string[] = []
  for (const [i, prompt] of prompts.entries()) {
    const request = new ImageGenerationRequest(model, prompt)
      .with_size(ImageSize.Square1024)
      .with_quality(ImageQuality.Hd)
      .with_format(ImageFormat.B64Json)
      .with_seed(1000 + i)
    const response = await client.generateImage(request)
    for (const warning of response.warnings) console.log(`  note: ${warning}`)
    const image = response.first()
    if (image) {
      const filepath = await image.save(resolve(outputDir, `image_${i}.png`), { mkdir: true })
      saved.push(filepath)
      console.log(
        `✓ Saved: ${filepath}  (${response.provider}:${response.model}, ${image.width}x${image.height}, seed ${image.seed ?? 'n/a'})`,
      )
    }
  }
  await client.close()
  return saved
}

// generated_images/ at the repository root (this file lives in examples/).
const outputDir = fileURLToPath(new URL('../generated_images/', import.meta.url))
const files = await generateAndSaveImages(
  [
    'A serene mountain landscape',
    'A futuristic city at night',
    'A peaceful forest with sunlight',
    'A lake at sunset with purple sky',
  ],
  outputDir,
)
console.log(`\n${files.length} images written to ${outputDir}`)
