// The documented Quick Start. It runs unchanged except for the model id:
// dall-e-3 when OPENAI_API_KEY is set, else the offline local renderer.
import { LLMKitClient, ImageGenerationRequest, ImageSize } from '@llmkit/sdk'

const model = process.env.OPENAI_API_KEY ? 'dall-e-3' : 'local:sketch'
const client = LLMKitClient.fromEnv()

// Generate an image
const request = new ImageGenerationRequest(model, 'A serene mountain landscape').with_size(ImageSize.Square1024)
const response = await client.generateImage(request)

console.log(`Generated ${response.count} image(s) with ${response.provider}:${response.model}`)
console.log(`Image URL: ${response.first()?.url}`)
await client.close()
