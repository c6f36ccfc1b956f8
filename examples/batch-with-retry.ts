// "Batch generation with retry", as documented. llmkit already retries each
// HTTP stage (429 with Retry-After, 5xx, connection errors); this outer loop
// retries only what is worth retrying again, using the error's code.
import { LLMKitClient, LLMKitError, ImageGenerationRequest, ImageSize, type ImageGenerationResponse } from '@llmkit/sdk'

async function generateWithRetry(
  client: LLMKitClient,
  prompt: string,
  maxRetries = 3,
): Promise<ImageGenerationResponse> {
  const model = process.env.OPENAI_API_KEY ? 'dall-e-3' : 'local:sketch'
  for (let attempt = 1; ; attempt++) {
    try {
      const request = new ImageGenerationRequest(model, prompt).with_size(ImageSize.Square1024)
      return await client.generateImage(request)
    } catch (error) {
      const retryable = LLMKitError.isInstance(error) && error.isRetryable
      console.error(`Attempt ${attempt} failed: ${(error as Error).message}`)
      if (!retryable || attempt >= maxRetries) throw error
      await sleep((error as LLMKitError).retryAfterMs ?? 1000 * attempt) // exponential-ish backoff
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const client = LLMKitClient.fromEnv()
for (const prompt of ['A cat in space', 'A red lighthouse at dusk', 'A river through a forest at dawn']) {
  const response = await generateWithRetry(client, prompt)
  console.log(`${prompt}: ${response.count} image(s) → ${response.first()?.url}`)
}
await client.close()
