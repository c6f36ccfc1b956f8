/**
 * What fal's model endpoints accept (fal.md §2.5–2.7), checked the way fal's
 * pydantic models do: every error collected, each as `{ loc, msg, type }`.
 * Ranges and preset sizes marked [?] in the protocol document are enforced
 * leniently (the widest value any source gives).
 */

/** One entry of fal's 422 `detail` list (pydantic v2 shape). */
export interface FalValidationError {
  loc: (string | number)[]
  msg: string
  type: string
  url?: string
  input?: unknown
  ctx?: Record<string, unknown>
}

interface Range {
  readonly min: number
  readonly max: number
}

/** What one model endpoint accepts and returns. */
export interface FalModelRules {
  readonly defaultImageSize: string
  readonly steps: Range & { readonly default: number }
  readonly guidance: Range & { readonly default: number }
  readonly fields: ReadonlySet<string>
  /** SD3 medium echoes `num_images` in its output. */
  readonly echoesNumImages?: boolean
}

/** `image_size` presets [?: pixel sizes are consistent across third-party sources, not stated by fal]. */
export const FAL_IMAGE_SIZE_PRESETS: Readonly<Record<string, { width: number; height: number }>> = {
  square_hd: { width: 1024, height: 1024 },
  square: { width: 512, height: 512 },
  portrait_4_3: { width: 768, height: 1024 },
  portrait_16_9: { width: 576, height: 1024 },
  landscape_4_3: { width: 1024, height: 768 },
  landscape_16_9: { width: 1024, height: 576 },
}

/** fal's `ImageSize` model bounds each edge [?]. */
export const FAL_MAX_EDGE = 14142
const MAX_IMAGES = 4

const FLUX_FIELDS = [
  'prompt',
  'image_size',
  'num_inference_steps',
  'seed',
  'guidance_scale',
  'sync_mode',
  'num_images',
  'enable_safety_checker',
  'output_format',
  'acceleration',
]
const SD_FIELDS = [
  'prompt',
  'negative_prompt',
  'image_size',
  'num_inference_steps',
  'seed',
  'guidance_scale',
  'num_images',
  'enable_safety_checker',
  'prompt_expansion',
  'sync_mode',
]

const flux = (maxSteps: number, defaultSteps: number): FalModelRules => ({
  defaultImageSize: 'landscape_4_3',
  steps: { min: 1, max: maxSteps, default: defaultSteps },
  guidance: { min: 1, max: 20, default: 3.5 },
  fields: new Set(FLUX_FIELDS),
})
const stableDiffusion: FalModelRules = {
  defaultImageSize: 'square_hd',
  steps: { min: 1, max: 50, default: 28 },
  guidance: { min: 0, max: 20, default: 5 },
  fields: new Set(SD_FIELDS),
  echoesNumImages: true,
}

/** The endpoints the emulator serves, by full endpoint id. Any other id answers 404 as fal does for an unknown app. */
export const FAL_MODEL_RULES: Readonly<Record<string, FalModelRules>> = {
  'fal-ai/flux/dev': flux(50, 28),
  'fal-ai/flux/schnell': flux(12, 4),
  'fal-ai/flux/krea': flux(50, 28),
  'fal-ai/stable-diffusion-v3-medium': stableDiffusion,
  'fal-ai/stable-diffusion-v35-large': stableDiffusion,
  'fal-ai/stable-diffusion-v35-medium': stableDiffusion,
}

const errorURL = (type: string) => `https://errors.pydantic.dev/2.10/v/${type}`
const issue = (
  loc: (string | number)[],
  type: string,
  msg: string,
  input: unknown,
  ctx?: Record<string, unknown>,
): FalValidationError => ({
  loc: ['body', ...loc],
  msg,
  type,
  input,
  ...(ctx ? { ctx } : {}),
  url: errorURL(type),
})

function checkInteger(errors: FalValidationError[], loc: (string | number)[], value: unknown, range?: Range): void {
  if (typeof value !== 'number' || !Number.isInteger(value))
    return void errors.push(issue(loc, 'int_type', 'Input should be a valid integer', value))
  checkRange(errors, loc, value, range)
}

function checkNumber(errors: FalValidationError[], loc: (string | number)[], value: unknown, range: Range): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    return void errors.push(issue(loc, 'float_type', 'Input should be a valid number', value))
  checkRange(errors, loc, value, range)
}

function checkRange(errors: FalValidationError[], loc: (string | number)[], value: number, range?: Range): void {
  if (!range) return
  if (value < range.min)
    errors.push(
      issue(loc, 'greater_than_equal', `Input should be greater than or equal to ${range.min}`, value, {
        ge: range.min,
      }),
    )
  if (value > range.max)
    errors.push(
      issue(loc, 'less_than_equal', `Input should be less than or equal to ${range.max}`, value, { le: range.max }),
    )
}

function checkLiteral(
  errors: FalValidationError[],
  loc: (string | number)[],
  value: unknown,
  allowed: readonly string[],
): void {
  if (typeof value === 'string' && allowed.includes(value)) return
  const expected = allowed.map((v) => `'${v}'`)
  errors.push(
    issue(loc, 'literal_error', `Input should be ${expected.slice(0, -1).join(', ')} or ${expected.at(-1)}`, value, {
      expected: expected.join(', '),
    }),
  )
}

function checkImageSize(errors: FalValidationError[], value: unknown): void {
  if (typeof value === 'string') return checkLiteral(errors, ['image_size'], value, Object.keys(FAL_IMAGE_SIZE_PRESETS))
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return void errors.push(
      issue(
        ['image_size'],
        'model_attributes_type',
        'Input should be a valid dictionary or object to extract fields from',
        value,
      ),
    )
  }
  for (const [key, edge] of Object.entries(value)) {
    if (key !== 'width' && key !== 'height')
      errors.push(issue(['image_size', key], 'extra_forbidden', 'Extra inputs are not permitted', edge))
  }
  for (const key of ['width', 'height'] as const) {
    const edge = (value as Record<string, unknown>)[key]
    if (edge === undefined) continue
    checkInteger(errors, ['image_size', key], edge)
    if (typeof edge === 'number' && Number.isInteger(edge) && edge <= 0)
      errors.push(issue(['image_size', key], 'greater_than', 'Input should be greater than 0', edge, { gt: 0 }))
    if (typeof edge === 'number' && Number.isInteger(edge) && edge > FAL_MAX_EDGE) {
      errors.push(
        issue(['image_size', key], 'less_than_equal', `Input should be less than or equal to ${FAL_MAX_EDGE}`, edge, {
          le: FAL_MAX_EDGE,
        }),
      )
    }
  }
}

const booleanFields = ['sync_mode', 'enable_safety_checker', 'prompt_expansion'] as const

/** Every reason fal would reject this input for this model; empty when it is valid. */
export function validateFalInput(rules: FalModelRules, body: unknown): FalValidationError[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [
      {
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        type: 'model_attributes_type',
        input: body,
        url: errorURL('model_attributes_type'),
      },
    ]
  }
  const input = body as Record<string, unknown>
  const errors: FalValidationError[] = []
  for (const key of Object.keys(input))
    if (!rules.fields.has(key))
      errors.push(issue([key], 'extra_forbidden', 'Extra inputs are not permitted', input[key]))
  if (input.prompt === undefined) errors.push(issue(['prompt'], 'missing', 'Field required', input))
  else if (typeof input.prompt !== 'string')
    errors.push(issue(['prompt'], 'string_type', 'Input should be a valid string', input.prompt))
  if (
    input.negative_prompt !== undefined &&
    rules.fields.has('negative_prompt') &&
    typeof input.negative_prompt !== 'string'
  ) {
    errors.push(issue(['negative_prompt'], 'string_type', 'Input should be a valid string', input.negative_prompt))
  }
  if (input.image_size !== undefined) checkImageSize(errors, input.image_size)
  if (input.num_images !== undefined)
    checkInteger(errors, ['num_images'], input.num_images, { min: 1, max: MAX_IMAGES })
  if (input.num_inference_steps !== undefined)
    checkInteger(errors, ['num_inference_steps'], input.num_inference_steps, rules.steps)
  if (input.guidance_scale !== undefined) checkNumber(errors, ['guidance_scale'], input.guidance_scale, rules.guidance)
  if (input.seed !== undefined && input.seed !== null) checkInteger(errors, ['seed'], input.seed)
  for (const key of booleanFields) {
    if (input[key] !== undefined && rules.fields.has(key) && typeof input[key] !== 'boolean')
      errors.push(issue([key], 'bool_type', 'Input should be a valid boolean', input[key]))
  }
  if (input.output_format !== undefined && rules.fields.has('output_format'))
    checkLiteral(errors, ['output_format'], input.output_format, ['jpeg', 'png'])
  if (input.acceleration !== undefined && rules.fields.has('acceleration'))
    checkLiteral(errors, ['acceleration'], input.acceleration, ['none', 'regular', 'high'])
  return errors
}

/** The pixel size a valid input asks for. */
export function imageSizeOf(rules: FalModelRules, input: { image_size?: unknown }): { width: number; height: number } {
  const size = input.image_size ?? rules.defaultImageSize
  if (typeof size === 'string') return FAL_IMAGE_SIZE_PRESETS[size]!
  const { width = 512, height = 512 } = size as { width?: number; height?: number }
  return { width, height }
}
