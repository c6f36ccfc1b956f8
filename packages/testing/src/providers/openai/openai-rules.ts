/** The body of `POST /v1/images/generations`, as the emulator reads it. */
export interface OpenAIImageRequest {
  prompt: string
  model?: string | null
  n?: number | null
  size?: string | null
  quality?: string | null
  style?: string | null
  response_format?: string | null
  output_format?: string
  output_compression?: number
  background?: string
  moderation?: string
  stream?: boolean
  partial_images?: number
  user?: string
}

interface ModelRules {
  maxPrompt: number
  maxN: number
  sizes?: readonly string[]
  qualities: readonly string[]
  isGptImage: boolean
}

const GPT_IMAGE: ModelRules = {
  maxPrompt: 32000,
  maxN: 10,
  sizes: ['1024x1024', '1536x1024', '1024x1536', 'auto'],
  qualities: ['low', 'medium', 'high', 'auto'],
  isGptImage: true,
}

/** Per-model limits from the OpenAI spec. */
export const OPENAI_MODEL_RULES: Readonly<Record<string, ModelRules>> = {
  'dall-e-2': {
    maxPrompt: 1000,
    maxN: 10,
    sizes: ['256x256', '512x512', '1024x1024'],
    qualities: ['standard', 'auto'],
    isGptImage: false,
  },
  'dall-e-3': {
    maxPrompt: 4000,
    maxN: 1,
    sizes: ['1024x1024', '1792x1024', '1024x1792'],
    qualities: ['standard', 'hd', 'auto'],
    isGptImage: false,
  },
  'gpt-image-1': GPT_IMAGE,
  'gpt-image-1-mini': GPT_IMAGE,
  'gpt-image-1.5': GPT_IMAGE,
  'gpt-image-2': { ...GPT_IMAGE, sizes: undefined },
  'chatgpt-image-latest': GPT_IMAGE,
}

const GPT_ONLY = [
  'output_format',
  'output_compression',
  'background',
  'moderation',
  'stream',
  'partial_images',
] as const
const KNOWN_FIELDS = new Set([
  'prompt',
  'model',
  'n',
  'size',
  'quality',
  'style',
  'response_format',
  'user',
  ...GPT_ONLY,
])

/** What the real API would reject, with its message, code and param; undefined when valid. */
export function validateOpenAIImageRequest(
  body: OpenAIImageRequest,
): { message: string; code: string | null; param: string | null } | undefined {
  if (typeof body !== 'object' || body === null)
    return { message: 'The request body must be a JSON object.', code: null, param: null }
  for (const key of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(key))
      return { message: `Unrecognized request argument supplied: ${key}`, code: null, param: null }
  }
  if (typeof body.prompt !== 'string' || body.prompt.length === 0)
    return { message: "Missing required parameter: 'prompt'.", code: 'missing_required_parameter', param: 'prompt' }
  const model = body.model ?? 'dall-e-2'
  const rules = OPENAI_MODEL_RULES[model]
  if (!rules) return { message: `Invalid value for 'model' = ${model}.`, code: 'invalid_value', param: 'model' }
  if (body.prompt.length > rules.maxPrompt) {
    return {
      message: `Invalid 'prompt': string too long. Expected a string with maximum length ${rules.maxPrompt}, but got a string with length ${body.prompt.length} instead.`,
      code: 'string_above_max_length',
      param: 'prompt',
    }
  }
  const n = body.n ?? 1
  if (!Number.isInteger(n) || n < 1 || n > 10)
    return { message: `Invalid 'n': integer must be between 1 and 10.`, code: 'invalid_value', param: 'n' }
  if (n > rules.maxN)
    return {
      message: `Invalid 'n': integer above maximum value. Expected a value <= ${rules.maxN}, but got ${n} instead.`,
      code: 'integer_above_max_value',
      param: 'n',
    }
  if (body.size != null && !sizeAllowed(model, rules, body.size)) {
    return {
      message: `Invalid value: '${body.size}'. Supported values are: ${(rules.sizes ?? ['WIDTHxHEIGHT']).map((s) => `'${s}'`).join(', ')}.`,
      code: 'invalid_value',
      param: 'size',
    }
  }
  if (body.quality != null && !rules.qualities.includes(body.quality)) {
    return {
      message: `Invalid value: '${body.quality}'. Supported values are: ${rules.qualities.map((q) => `'${q}'`).join(', ')}.`,
      code: 'invalid_value',
      param: 'quality',
    }
  }
  if (body.style != null && model !== 'dall-e-3')
    return {
      message: `The 'style' parameter is only supported for dall-e-3.`,
      code: 'unsupported_parameter',
      param: 'style',
    }
  if (body.style != null && !['vivid', 'natural'].includes(body.style))
    return {
      message: `Invalid value: '${body.style}'. Supported values are: 'vivid' and 'natural'.`,
      code: 'invalid_value',
      param: 'style',
    }
  if (rules.isGptImage && body.response_format != null)
    return { message: "Unknown parameter: 'response_format'.", code: 'unknown_parameter', param: 'response_format' }
  if (!rules.isGptImage) {
    const gptOnly = GPT_ONLY.find((field) => body[field] !== undefined)
    if (gptOnly) return { message: `Unknown parameter: '${gptOnly}'.`, code: 'unknown_parameter', param: gptOnly }
  }
  return validateGptImageOptions(body)
}

/** The GPT image fields that depend on each other (OpenAI spec, `CreateImageRequest`). */
function validateGptImageOptions(
  body: OpenAIImageRequest,
): { message: string; code: string | null; param: string | null } | undefined {
  const partial = body.partial_images
  if (partial != null && !(Number.isInteger(partial) && partial >= 0 && partial <= 3))
    return {
      message: `Invalid 'partial_images': integer must be between 0 and 3.`,
      code: 'invalid_value',
      param: 'partial_images',
    }
  if (body.stream != null && typeof body.stream !== 'boolean')
    return { message: `Invalid type for 'stream': expected a boolean.`, code: 'invalid_type', param: 'stream' }
  const format = body.output_format ?? 'png'
  if (body.output_compression != null && format === 'png')
    return {
      message: "Compression less than 100 is not supported for PNG output format. Use 'jpeg' or 'webp'.",
      code: 'invalid_value',
      param: 'output_compression',
    }
  if (body.background === 'transparent' && format === 'jpeg')
    return {
      message: "Transparent background is not supported for 'jpeg' output format. Use 'png' or 'webp'.",
      code: 'invalid_value',
      param: 'background',
    }
  if (body.response_format != null && !['url', 'b64_json'].includes(body.response_format)) {
    return {
      message: `Invalid value: '${body.response_format}'. Supported values are: 'url' and 'b64_json'.`,
      code: 'invalid_value',
      param: 'response_format',
    }
  }
  return undefined
}

function sizeAllowed(model: string, rules: ModelRules, size: string): boolean {
  if (rules.sizes) return rules.sizes.includes(size)
  if (size === 'auto') return true
  const match = /^(\d+)x(\d+)$/.exec(size)
  if (!match || !model.startsWith('gpt-image-2')) return false
  const [width, height] = [Number(match[1]), Number(match[2])]
  const ratio = width / height
  return width % 16 === 0 && height % 16 === 0 && ratio >= 1 / 3 && ratio <= 3 && width * height <= 3840 * 2160
}
