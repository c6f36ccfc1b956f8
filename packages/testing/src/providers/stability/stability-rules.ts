/** A rejection as Stability words it: status, `name`, and the message(s). */
export interface StabilityRejection {
  status: number
  name: string
  message: string
}

/** The 17 style presets (v2beta schema; v1 accepts the same names). */
export const STYLE_PRESETS = [
  'enhance',
  'anime',
  'photographic',
  'digital-art',
  'comic-book',
  'fantasy-art',
  'line-art',
  'analog-film',
  'neon-punk',
  'isometric',
  'low-poly',
  'origami',
  'modeling-compound',
  'cinematic',
  '3d-model',
  'pixel-art',
  'tile-texture',
] as const

/** SDXL 1.0 / 0.9 engines accept only these sizes (the real 400 lists them). */
export const SDXL_DIMENSIONS = [
  '1024x1024',
  '1152x896',
  '1216x832',
  '1344x768',
  '1536x640',
  '640x1536',
  '768x1344',
  '832x1216',
  '896x1152',
] as const

/** v1 engines the emulator knows; SDXL engines use the fixed list, the others the pixel-count rule. */
export const V1_ENGINES: Readonly<Record<string, { sdxl: boolean }>> = {
  'stable-diffusion-xl-1024-v1-0': { sdxl: true },
  'stable-diffusion-xl-1024-v0-9': { sdxl: true },
  'stable-diffusion-v1-6': { sdxl: false },
}

const SAMPLERS = [
  'DDIM',
  'DDPM',
  'K_DPMPP_2M',
  'K_DPMPP_2S_ANCESTRAL',
  'K_DPM_2',
  'K_DPM_2_ANCESTRAL',
  'K_EULER',
  'K_EULER_ANCESTRAL',
  'K_HEUN',
  'K_LMS',
]
const CLIP_PRESETS = ['FAST_BLUE', 'FAST_GREEN', 'NONE', 'SIMPLE', 'SLOW', 'SLOWER', 'SLOWEST']

/** The JSON body of `POST /v1/generation/{engine}/text-to-image`, as the emulator reads it. */
export interface StabilityV1Request {
  text_prompts?: { text?: unknown; weight?: unknown }[]
  height?: unknown
  width?: unknown
  cfg_scale?: unknown
  clip_guidance_preset?: unknown
  sampler?: unknown
  samples?: unknown
  seed?: unknown
  steps?: unknown
  style_preset?: unknown
}

const bad = (name: string, message: string): StabilityRejection => ({ status: 400, name, message })
const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value)
const inRange = (value: unknown, min: number, max: number, integer: boolean) =>
  typeof value === 'number' &&
  Number.isFinite(value) &&
  value >= min &&
  value <= max &&
  (!integer || Number.isInteger(value))

/** What v1 would reject (OpenAPI v1.json constraints plus the SDXL dimension list); undefined when valid. */
export function validateV1Request(
  engine: string,
  body: StabilityV1Request,
  acceptsPng: boolean,
): StabilityRejection | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return bad('bad_request', 'body: must be a JSON object')
  const prompts = body.text_prompts
  if (!Array.isArray(prompts) || prompts.length === 0)
    return bad('invalid_prompts', 'text_prompts: must contain at least one prompt')
  for (const [index, prompt] of prompts.entries()) {
    if (typeof prompt?.text !== 'string' || prompt.text.trim() === '')
      return bad('invalid_prompts', `text_prompts[${index}].text: cannot be empty`)
    if (prompt.text.length > 2000)
      return bad('invalid_prompts', `text_prompts[${index}].text: must be at most 2000 characters`)
    if (prompt.weight !== undefined && typeof prompt.weight !== 'number')
      return bad('invalid_prompts', `text_prompts[${index}].weight: must be a number`)
  }
  if (!prompts.some((prompt) => typeof prompt.weight !== 'number' || prompt.weight > 0))
    return bad('invalid_prompts', 'text_prompts: at least one prompt must have a positive weight')
  const sizeProblem = checkV1Size(engine, body.width ?? defaultEdge(engine), body.height ?? defaultEdge(engine))
  if (sizeProblem) return sizeProblem
  if (body.cfg_scale !== undefined && !inRange(body.cfg_scale, 0, 35, false))
    return bad('bad_request', 'cfg_scale: must be a number between 0 and 35')
  if (body.samples !== undefined && !inRange(body.samples, 1, 10, true))
    return bad('invalid_samples', 'samples: must be an integer between 1 and 10')
  if (acceptsPng && isInt(body.samples) && body.samples > 1)
    return bad('invalid_samples', 'samples: must be 1 when the Accept header is image/png')
  if (body.seed !== undefined && !inRange(body.seed, 0, 4294967295, true))
    return bad('bad_request', 'seed: must be an integer between 0 and 4294967295')
  if (body.steps !== undefined && !inRange(body.steps, 10, 150, true))
    return bad('bad_request', 'steps: must be an integer between 10 and 150')
  if (body.sampler !== undefined && !SAMPLERS.includes(body.sampler as string))
    return bad('bad_request', `sampler: must be one of ${SAMPLERS.join(', ')}`)
  if (body.clip_guidance_preset !== undefined && !CLIP_PRESETS.includes(body.clip_guidance_preset as string)) {
    return bad('bad_request', `clip_guidance_preset: must be one of ${CLIP_PRESETS.join(', ')}`)
  }
  if (body.style_preset !== undefined && !(STYLE_PRESETS as readonly unknown[]).includes(body.style_preset)) {
    return bad('bad_request', `style_preset: must be one of ${STYLE_PRESETS.join(', ')}`)
  }
  return undefined
}

/** SDXL engines need a size from their list, so they default to 1024 [?]; generic engines default to 512. */
export const defaultEdge = (engine: string) => (V1_ENGINES[engine]?.sdxl ? 1024 : 512)

function checkV1Size(engine: string, width: unknown, height: unknown): StabilityRejection | undefined {
  if (!isInt(width) || !isInt(height) || width % 64 !== 0 || height % 64 !== 0 || width < 128 || height < 128) {
    return bad('invalid_height_or_width', 'height and width must be specified in increments of 64')
  }
  if (V1_ENGINES[engine]?.sdxl && !(SDXL_DIMENSIONS as readonly string[]).includes(`${width}x${height}`)) {
    return bad(
      'invalid_height_or_width',
      `for stable-diffusion-xl-1024-v0-9 and stable-diffusion-xl-1024-v1-0 the allowed dimensions are ${SDXL_DIMENSIONS.join(', ')}, but we received ${width}x${height}`,
    )
  }
  const pixels = width * height
  if (!V1_ENGINES[engine]?.sdxl && (pixels < 262_144 || pixels > 1_048_576)) {
    return bad(
      'invalid_pixel_count',
      `height and width must multiply to between 262144 and 1048576 pixels, but we received ${pixels}`,
    )
  }
  return undefined
}

/** The v2beta generate endpoints and what each accepts (v2beta OpenAPI). */
export const V2_ENDPOINTS = {
  ultra: { formats: ['jpeg', 'png', 'webp'] },
  core: { formats: ['png', 'jpeg', 'webp'] },
  sd3: { formats: ['png', 'jpeg', 'webp'] },
} as const

export type V2Endpoint = keyof typeof V2_ENDPOINTS

export const ASPECT_RATIOS = ['21:9', '16:9', '3:2', '5:4', '1:1', '4:5', '2:3', '9:16', '9:21'] as const
export const SD3_MODELS = [
  'sd3.5-large',
  'sd3.5-large-turbo',
  'sd3.5-medium',
  'sd3.5-flash',
  // Older names, which the API re-routes to their SD3.5 successors.
  'sd3-large',
  'sd3-large-turbo',
  'sd3-medium',
] as const

/** Output pixel sizes per aspect ratio (Stability's ComfyUI node): ~1 MP for ultra and sd3, ~1.5 MP for core. */
export const V2_OUTPUT_SIZES: Readonly<
  Record<'megapixel' | 'core', Readonly<Record<string, readonly [number, number]>>>
> = {
  megapixel: {
    '1:1': [1024, 1024],
    '5:4': [1088, 896],
    '3:2': [1216, 832],
    '16:9': [1344, 768],
    '21:9': [1536, 640],
    '4:5': [896, 1088],
    '2:3': [832, 1216],
    '9:16': [768, 1344],
    '9:21': [640, 1536],
  },
  core: {
    '1:1': [1536, 1536],
    '5:4': [1632, 1344],
    '3:2': [1824, 1248],
    '16:9': [2016, 1152],
    '21:9': [2304, 960],
    '4:5': [1344, 1632],
    '2:3': [1248, 1824],
    '9:16': [1152, 2016],
    '9:21': [960, 2304],
  },
}

/** v2beta form fields; files are described by type only (the emulator does no img2img). */
export type V2Fields = Readonly<Record<string, string | File>>

const v2bad = (message: string): StabilityRejection => ({ status: 400, name: 'bad_request', message })
const text = (fields: V2Fields, name: string) =>
  typeof fields[name] === 'string' ? (fields[name] as string) : undefined

/** What a v2beta generate endpoint would reject; undefined when valid. */
export function validateV2Request(endpoint: V2Endpoint, fields: V2Fields): StabilityRejection | undefined {
  const rules = V2_ENDPOINTS[endpoint]
  const prompt = text(fields, 'prompt')
  if (prompt === undefined || prompt.trim() === '') return v2bad('prompt: cannot be empty')
  if (prompt.length > 10_000) return v2bad('prompt: must be at most 10000 characters')
  const ratio = text(fields, 'aspect_ratio')
  if (ratio !== undefined && !(ASPECT_RATIOS as readonly string[]).includes(ratio))
    return v2bad(`aspect_ratio: must be one of ${ASPECT_RATIOS.join(', ')}`)
  const seed = text(fields, 'seed')
  if (seed !== undefined && !(/^\d+$/.test(seed) && Number(seed) <= 4294967294))
    return v2bad('seed: must be an integer between 0 and 4294967294')
  const format = text(fields, 'output_format')
  if (format !== undefined && !(rules.formats as readonly string[]).includes(format))
    return v2bad(`output_format: must be one of ${rules.formats.join(', ')}`)
  const preset = text(fields, 'style_preset')
  if (preset !== undefined && !(STYLE_PRESETS as readonly string[]).includes(preset))
    return v2bad(`style_preset: must be one of ${STYLE_PRESETS.join(', ')}`)
  if (endpoint === 'sd3') return validateSd3Fields(fields)
  return undefined
}

function validateSd3Fields(fields: V2Fields): StabilityRejection | undefined {
  const model = text(fields, 'model')
  if (model !== undefined && !(SD3_MODELS as readonly string[]).includes(model))
    return v2bad(`model: must be one of ${SD3_MODELS.join(', ')}`)
  const mode = text(fields, 'mode') ?? 'text-to-image'
  if (mode !== 'text-to-image' && mode !== 'image-to-image')
    return v2bad('mode: must be one of text-to-image, image-to-image')
  if (mode === 'image-to-image' && !(fields.image instanceof File))
    return v2bad('image: required when mode is image-to-image')
  if (mode === 'image-to-image' && text(fields, 'strength') === undefined)
    return v2bad('strength: required when mode is image-to-image')
  const cfg = text(fields, 'cfg_scale')
  if (cfg !== undefined && !(Number(cfg) >= 1 && Number(cfg) <= 10))
    return v2bad('cfg_scale: must be a number between 1 and 10')
  return undefined
}
