import {
  GeneratedImage,
  LLMKitError,
  parseResponse,
  parseServerSentEvents,
  type GenerateResult,
  type ImageCall,
  type ProviderContext,
} from '@llmkit/core'
import * as z from 'zod/mini'
import { refusal, toOpenAIBody, type OpenAIRequestConfig } from './openai-image-model'

// `partial_images` streaming, loaded by generateOpenAIImages the first time a call asks for it.

const usageSchema = z.looseObject({ input_tokens: z.number(), output_tokens: z.number(), total_tokens: z.number() })

/** One event of a streamed generation (`ImageGenStreamEvent`): a partial image, the completed image, or an error. */
const openaiStreamEventSchema = z.looseObject({
  type: z.string(),
  b64_json: z.optional(z.string()),
  partial_image_index: z.optional(z.number().check(z.int(), z.minimum(0))),
  output_format: z.optional(z.string()),
  usage: z.optional(usageSchema),
  error: z.nullish(z.looseObject({ message: z.optional(z.string()) })),
})

function eventJson(call: ImageCall, data: string): unknown {
  try {
    return JSON.parse(data)
  } catch {
    throw streamError(call, 'the image stream sent an event that is not JSON')
  }
}

function streamError(call: ImageCall, message: string): LLMKitError {
  return new LLMKitError({
    code: 'provider_error',
    provider: 'openai',
    model: call.model.id,
    message: `openai: ${message}`,
  })
}

/**
 * `stream: true` with `partial_images`: server-sent events, `image_generation.partial_image` (a preview,
 * reported as a `partial_image` progress event) then `image_generation.completed` (the image and usage).
 */
export async function streamOpenAIImages(
  call: ImageCall,
  context: ProviderContext,
  config: OpenAIRequestConfig,
  headers: Record<string, string | undefined>,
): Promise<GenerateResult> {
  const stream = await context.http.stream({
    method: 'POST',
    url: config.generationsURL,
    headers: { ...headers, accept: 'text/event-stream' },
    json: toOpenAIBody(call),
    stage: 'generate',
    secrets: config.secrets(),
  })
  if (!stream.ok) throw refusal(await stream.readFailure(), call, config)
  const images: GeneratedImage[] = []
  let usage: GenerateResult['usage']
  const source = { provider: 'openai', model: call.model.id, what: 'stream event' }
  try {
    for await (const event of parseServerSentEvents(stream.body)) {
      const item = parseResponse(openaiStreamEventSchema, { json: () => eventJson(call, event.data) }, source)
      if (item.type === 'error' || event.event === 'error')
        throw streamError(call, `the image stream failed: ${item.error?.message ?? 'no reason given'}`)
      if (!item.b64_json) continue
      const metadata = {
        media_type: `image/${item.output_format ?? 'png'}`,
        width: call.width,
        height: call.height,
      }
      if (item.type === 'image_generation.partial_image') {
        const image = GeneratedImage.from_b64(item.b64_json, { media_type: metadata.media_type })
        context.progress({ phase: 'partial_image', index: item.partial_image_index ?? 0, image })
      } else if (item.type === 'image_generation.completed') {
        images.push(GeneratedImage.from_b64(item.b64_json, metadata))
        const tokens = item.usage
        if (tokens)
          usage = {
            input_tokens: (usage?.input_tokens ?? 0) + tokens.input_tokens,
            output_tokens: (usage?.output_tokens ?? 0) + tokens.output_tokens,
            total_tokens: (usage?.total_tokens ?? 0) + tokens.total_tokens,
          }
      }
    }
  } finally {
    stream.close()
  }
  return { images, usage }
}
