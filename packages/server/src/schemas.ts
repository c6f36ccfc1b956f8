import { z } from '@hono/zod-openapi'

const MAX_SEED = 2 ** 32 - 1

/** `POST /v1/images/generations` (and `/v1/images/jobs`): OpenAI's fields plus llmkit's extensions. */
export const generationRequestSchema = z
  .object({
    model: z.string().min(1).max(300).optional().openapi({
      description: 'Any model llmkit serves: `dall-e-3`, `fal-ai/flux/schnell`, `provider:model`. Default `dall-e-2`.',
      example: 'fal-ai/flux/schnell',
    }),
    prompt: z.string().min(1).openapi({ example: 'A serene mountain landscape' }),
    n: z.number().int().min(1).max(10).nullish(),
    size: z
      .string()
      .regex(/^(auto|\d{2,5}x\d{2,5})$/, 'size must be WIDTHxHEIGHT (such as 1024x1024) or auto')
      .nullish(),
    quality: z.enum(['standard', 'hd', 'low', 'medium', 'high', 'auto']).nullish(),
    style: z.enum(['vivid', 'natural']).nullish(),
    response_format: z.enum(['url', 'b64_json']).nullish(),
    user: z.string().max(256).nullish(),
    output_format: z.enum(['png', 'jpeg', 'webp']).nullish().openapi({ description: 'GPT image models' }),
    output_compression: z.number().int().min(0).max(100).nullish().openapi({ description: 'GPT image models' }),
    background: z.enum(['transparent', 'opaque', 'auto']).nullish().openapi({ description: 'GPT image models' }),
    moderation: z.enum(['low', 'auto']).nullish().openapi({ description: 'GPT image models' }),
    stream: z.boolean().nullish().openapi({ description: 'Server-sent events in OpenAI image streaming format' }),
    partial_images: z.number().int().min(0).max(3).nullish(),
    negative_prompt: z.string().min(1).nullish().openapi({ description: 'llmkit extension' }),
    seed: z.number().int().min(0).max(MAX_SEED).nullish().openapi({ description: 'llmkit extension' }),
    aspect_ratio: z
      .string()
      .regex(/^\d+:\d+$/)
      .nullish()
      .openapi({ description: 'llmkit extension, such as 16:9' }),
    provider_options: z.record(z.string(), z.record(z.string(), z.unknown())).nullish().openapi({
      description: 'llmkit extension: options per provider id, such as { "fal": { "num_inference_steps": 4 } }',
    }),
  })
  .openapi('ImageGenerationRequest')

export type GenerationRequestBody = z.infer<typeof generationRequestSchema>

export const imageSchema = z
  .object({
    url: z.string().optional(),
    b64_json: z.string().optional(),
    revised_prompt: z.string().optional(),
  })
  .openapi('Image')

export const generationResponseSchema = z
  .object({
    created: z.number().int(),
    data: z.array(imageSchema),
    usage: z.record(z.string(), z.unknown()).optional(),
    model: z.string().optional().openapi({ description: 'llmkit extension: the canonical model id' }),
    provider: z.string().optional().openapi({ description: 'llmkit extension: the provider that served it' }),
    warnings: z.array(z.string()).optional().openapi({ description: 'llmkit extension' }),
  })
  .openapi('ImagesResponse')

export type GenerationResponseBody = z.infer<typeof generationResponseSchema>

export const errorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      code: z.string().nullable(),
      param: z.string().nullable(),
    }),
  })
  .openapi('Error')

export const modelListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(
      z.object({ id: z.string(), object: z.literal('model'), created: z.number().int(), owned_by: z.string() }),
    ),
  })
  .openapi('ModelList')

export const jobStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled'])

export const jobSchema = z
  .object({
    id: z.string(),
    object: z.literal('image.job'),
    status: jobStatusSchema,
    created: z.number().int(),
    model: z.string(),
    progress: z.number().optional(),
    position: z.number().int().optional(),
    upstream: z.array(z.object({ provider: z.string(), id: z.string() })).optional(),
    result: generationResponseSchema.optional(),
    error: errorSchema.shape.error.optional(),
  })
  .openapi('ImageJob')

export const idParamSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/)
    .openapi({ param: { name: 'id', in: 'path' } }),
})

/** Error responses every route may give. */
export const errorResponses = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: errorSchema } } },
  401: { description: 'Missing or wrong gateway key', content: { 'application/json': { schema: errorSchema } } },
  403: { description: 'The key may not use this model', content: { 'application/json': { schema: errorSchema } } },
  404: { description: 'Unknown model or id', content: { 'application/json': { schema: errorSchema } } },
  429: {
    description: 'Rate limit or quota (see Retry-After)',
    content: { 'application/json': { schema: errorSchema } },
  },
  502: { description: 'The provider failed', content: { 'application/json': { schema: errorSchema } } },
  503: { description: 'Unavailable or shutting down', content: { 'application/json': { schema: errorSchema } } },
  504: { description: 'The provider timed out', content: { 'application/json': { schema: errorSchema } } },
} as const
