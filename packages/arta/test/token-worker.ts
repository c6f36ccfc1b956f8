// One process of the concurrency test: generates one image through the emulator
// with the shared auth file from the environment, and prints the token it used.
import { ImageFormat, ImageGenerationRequest, LLMKitClient } from '@llmkit/core'
import { createArta } from '../src/index'

const client = new LLMKitClient({
  providers: [createArta()],
  env: process.env,
  poll: { initialIntervalMs: 10, minIntervalMs: 5, maxIntervalMs: 40 },
})
try {
  const response = await client.generateImage(
    new ImageGenerationRequest('arta:flux', `worker ${process.pid}`).with_format(ImageFormat.Url),
  )
  process.stdout.write(JSON.stringify({ pid: process.pid, count: response.count }))
} finally {
  await client.close()
}
