import { describe, expect, it } from 'vitest'
import { LLMKitError } from '../errors/llmkit-error'
import type { ImageModelInfo } from '../provider/image-model-info'
import type { ImageCall, ImageProvider } from '../provider/image-provider'
import { ImageGenerationRequest } from '../request/image-generation-request'
import { ImageFormat } from '../request/image-options'
import { ImageSize } from '../request/image-size'
import { GeneratedImage } from '../response/generated-image'
import { LLMKitClient } from './llmkit-client'

const model: ImageModelInfo = {
  id: 'plain-model',
  maxImagesPerCall: 4,
  sizes: { range: { min: 64, max: 2048 } },
  supports: { seed: true, negativePrompt: true, formats: ['url', 'b64_json'] },
}

function setup() {
  const calls: ImageCall[] = []
  const jobs: string[] = []
  const provider: ImageProvider = {
    id: 'plain',
    models: [model],
    async start(call) {
      calls.push(call)
      return { id: 'job-1' }
    },
    async status(job) {
      jobs.push(job.id)
      return { state: 'completed', images: [GeneratedImage.from_b64('iVBORw0KGgo=')] }
    },
  }
  return { client: new LLMKitClient({ providers: [provider], env: {}, httpOptions: { env: {} } }), calls, jobs }
}

async function refusal(promise: Promise<unknown>): Promise<LLMKitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!LLMKitError.isInstance(error)) throw new Error(`expected an LLMKitError, got ${String(error)}`)
  return error
}

describe('generateImage with a plain object', () => {
  it('validates it like the builder and sends what the builder would', async () => {
    const { client, calls } = setup()
    await client.generateImage({
      model: 'plain-model',
      prompt: '  a fox ',
      n: 2,
      size: '512x768',
      seed: 7,
      negative_prompt: 'blur',
      format: ImageFormat.Url,
    } as unknown as ImageGenerationRequest)
    expect(calls).toHaveLength(1)
    expect([calls[0]!.prompt, calls[0]!.n, calls[0]!.width, calls[0]!.height, calls[0]!.seed]).toEqual([
      'a fox',
      2,
      512,
      768,
      7,
    ])
    expect(ImageGenerationRequest.from({ model: 'm', prompt: 'p', size: ImageSize.Square512 }).size).toBe(
      ImageSize.Square512,
    )
  })

  it.each([
    ['null', null, 'got null'],
    ['a string', 'dall-e-3', 'got "dall-e-3"'],
    ['a number', 5, 'got 5'],
    ['an array', [], 'got an object'],
    ['n -5', { model: 'plain-model', prompt: 'p', n: -5 }, 'n must be a whole number from 1 to 10'],
    ['n 1.5', { model: 'plain-model', prompt: 'p', n: 1.5 }, 'n must be a whole number'],
    ['seed "abc"', { model: 'plain-model', prompt: 'p', seed: 'abc' }, 'seed must be a whole number'],
    ['seed -1', { model: 'plain-model', prompt: 'p', seed: -1 }, 'seed must be a whole number'],
    ['seed null', { model: 'plain-model', prompt: 'p', seed: null }, 'seed must be a whole number'],
    ['an empty prompt', { model: 'plain-model', prompt: '' }, 'prompt must be non-empty text'],
    ['a numeric prompt', { model: 'plain-model', prompt: 42 }, 'prompt must be non-empty text'],
    ['no model', { prompt: 'p' }, 'model must be a non-empty model id'],
    ['a bad size', { model: 'plain-model', prompt: 'p', size: 12 }, 'size must be an ImageSize'],
    ['a bad format', { model: 'plain-model', prompt: 'p', format: 'gif' }, 'format must be ImageFormat.Url'],
    ['an unknown field', { model: 'plain-model', prompt: 'p', prompts: 'x' }, 'unknown request field prompts'],
    ['bad provider options', { model: 'plain-model', prompt: 'p', provider_options: { plain: 3 } }, 'options must be'],
  ])('refuses %s with invalid_request before any call', async (_label, value, message) => {
    const { client, calls } = setup()
    const error = await refusal(client.generateImage(value as unknown as ImageGenerationRequest))
    expect(error.code).toBe('invalid_request')
    expect(error.message).toContain(message)
    expect(calls).toHaveLength(0)
  })

  it('streamImage refuses the same way, as an LLMKitError from the iterator', async () => {
    const { client, calls } = setup()
    const stream = client.streamImage(null as unknown as ImageGenerationRequest)
    const error = await refusal(
      (async () => {
        for await (const _event of stream) void _event
      })(),
    )
    expect(error.code).toBe('invalid_request')
    expect(calls).toHaveLength(0)
  })
})

describe('resumeImage with a plain object', () => {
  const good = {
    provider: 'plain',
    model: 'plain-model',
    id: 'job-1',
    createdAt: 1,
    call: { n: 1, width: 512, height: 512, format: 'url', callIndex: 0 },
  }

  it('resumes a well-formed handle', async () => {
    const { client, jobs } = setup()
    const response = await client.resumeImage(good as never)
    expect([response.count, jobs]).toEqual([1, ['job-1']])
  })

  it.each([
    ['null', null, 'the handle'],
    ['a string', 'job-1', 'the handle'],
    ['a traversal id', { ...good, id: '../../admin' }, 'id: a job id made of'],
    ['n -5', { ...good, call: { ...good.call, n: -5 } }, 'call.n'],
    ['a bad format', { ...good, call: { ...good.call, format: 'gif' } }, 'call.format'],
    ['a string createdAt', { ...good, createdAt: 'yesterday' }, 'createdAt'],
    ['a function in data', { ...good, data: { f: () => 1 } }, 'data.f'],
  ])('refuses %s with invalid_request before any request', async (_label, value, where) => {
    const { client, jobs } = setup()
    const error = await refusal(client.resumeImage(value as never))
    expect(error.code).toBe('invalid_request')
    expect(error.message).toContain(where)
    expect(jobs).toHaveLength(0)
  })
})
