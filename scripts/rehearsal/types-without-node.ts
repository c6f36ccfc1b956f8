// Compiled with `types: []` (no @types/node) and skipLibCheck off: core's and a provider's public
// types must hold without Node's (bytes are Uint8Array, no Buffer or NodeJS namespace).
import { GeneratedImage, HttpClient, ImageGenerationRequest, LLMKitClient, type HttpResponse } from '@llmkit/core'
import { openai } from '@llmkit/openai'

const client = new LLMKitClient({ providers: [openai], env: {}, httpOptions: { transport: 'fetch' } })
const response = await client.generateImage(new ImageGenerationRequest('dall-e-3', 'a fox'))
const bytes: Uint8Array = await GeneratedImage.from_b64('iVBORw0KGgo=').bytes()
const answer: HttpResponse = await new HttpClient().send({ url: 'http://127.0.0.1:1/' })
const body: Uint8Array = answer.body
export const seen = [response.count, bytes.length, body.length]
