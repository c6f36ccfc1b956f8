/** A rejection as the emulator words it: status, Recraft-style `code`, message. */
export interface RecraftRejection {
  status: number
  code: string
  message: string
}

interface ModelRules {
  /** `v2`/`v3` take sizes from the fixed table, styles and negative prompts; `v4` takes ratios and no styles. */
  family: 'v2' | 'v3' | 'v4'
  /** Vector models answer SVG. */
  vector: boolean
  /** V4 Pro renders at twice the edge. */
  scale: number
}

const model = (family: ModelRules['family'], vector = false, scale = 1): ModelRules => ({ family, vector, scale })

/** Model ids the endpoint takes (Recraft docs, models page); `_raster` names alias the raster models. */
export const RECRAFT_MODELS: Readonly<Record<string, ModelRules>> = {
  recraftv2: model('v2'),
  recraftv2_raster: model('v2'),
  recraftv2_vector: model('v2', true),
  recraftv3: model('v3'),
  recraftv3_raster: model('v3'),
  recraftv3_vector: model('v3', true),
  recraftv4: model('v4'),
  recraftv4_raster: model('v4'),
  recraftv4_vector: model('v4', true),
  recraftv4_pro: model('v4', false, 2),
  recraftv4_1: model('v4'),
  recraftv4_1_raster: model('v4'),
  recraftv4_1_vector: model('v4', true),
}

export const RECRAFT_STYLES = [
  'any',
  'realistic_image',
  'digital_illustration',
  'vector_illustration',
  'icon',
  'logo_raster',
] as const
export const VECTOR_STYLES: ReadonlySet<string> = new Set(['vector_illustration', 'icon'])

/** V2/V3 sizes (Recraft appendix; `ImageSize` in Recraft's generated client). */
export const V3_SIZES = [
  '1024x1024',
  '1365x1024',
  '1024x1365',
  '1536x1024',
  '1024x1536',
  '1820x1024',
  '1024x1820',
  '1024x2048',
  '2048x1024',
  '1434x1024',
  '1024x1434',
  '1024x1280',
  '1280x1024',
  '1024x1707',
  '1707x1024',
] as const

/** V4 sizes by ratio: 1:1, 16:9 and 2:1 are documented; the others are our reading of the table [?]. */
export const V4_SIZES: Readonly<Record<string, readonly [number, number]>> = {
  '1:1': [1024, 1024],
  '16:9': [1344, 768],
  '9:16': [768, 1344],
  '2:1': [1536, 768],
  '1:2': [768, 1536],
  '4:3': [1152, 864],
  '3:4': [864, 1152],
  '3:2': [1248, 832],
  '2:3': [832, 1248],
}

/**
 * Substyles whose family we know from the order of Recraft's `ImageSubStyle` enum. Recraft
 * documents more substyles than that enum lists, so unknown substyles are accepted.
 */
export const SUBSTYLE_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  digital_illustration: [
    '2d_art_poster',
    '3d',
    '80s',
    'glow',
    'grain',
    'hand_drawn',
    'infantile_sketch',
    'kawaii',
    'pixel_art',
    'psychedelic',
    'seamless',
    'voxel',
    'watercolor',
  ],
  icon: [
    'broken_line',
    'colored_outline',
    'colored_shapes',
    'colored_shapes_gradient',
    'doodle_fill',
    'doodle_offset_fill',
    'offset_fill',
    'outline',
    'outline_gradient',
    'uneven_fill',
  ],
  vector_illustration: [
    '70s',
    'cartoon',
    'doodle_line_art',
    'engraving',
    'flat_2',
    'kawaii',
    'line_art',
    'linocut',
    'seamless',
  ],
  realistic_image: ['b_and_w', 'enterprise', 'hard_flash', 'hdr', 'motion_blur', 'natural_light', 'studio_portrait'],
}

/** The family a known substyle belongs to does not include `style`. */
export function substyleMismatch(style: string, substyle: string): boolean {
  const families = Object.entries(SUBSTYLE_FAMILIES)
    .filter(([, list]) => list.includes(substyle))
    .map(([family]) => family)
  return families.length > 0 && !families.includes(style)
}

/** The body of `POST /v1/images/generations`, as the emulator reads it. */
export interface RecraftImageRequest {
  prompt?: unknown
  n?: unknown
  style?: unknown
  substyle?: unknown
  style_id?: unknown
  model?: unknown
  response_format?: unknown
  size?: unknown
  negative_prompt?: unknown
  random_seed?: unknown
  controls?: { colors?: unknown; background_color?: unknown; artistic_level?: unknown; no_text?: unknown }
}

const bad = (code: string, message: string): RecraftRejection => ({ status: 400, code, message })

/** Resolves `size` to pixels for the model, or undefined when the model does not take it. */
export function resolveRecraftSize(rules: ModelRules, size: string): readonly [number, number] | undefined {
  if (rules.family !== 'v4')
    return (V3_SIZES as readonly string[]).includes(size)
      ? (size.split('x').map(Number) as [number, number])
      : undefined
  const known = V4_SIZES[size]
  if (known) return [known[0] * rules.scale, known[1] * rules.scale]
  const match = /^(\d+)x(\d+)$/.exec(size)
  const pixels = match
    ? Object.values(V4_SIZES).find(([w, h]) => w === Number(match[1]) && h === Number(match[2]))
    : undefined
  return pixels ? [pixels[0] * rules.scale, pixels[1] * rules.scale] : undefined
}

/** What the real endpoint would reject; undefined when valid. */
export function validateRecraftRequest(body: RecraftImageRequest): RecraftRejection | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return bad('invalid_request', 'Request body must be a JSON object')
  const rules = RECRAFT_MODELS[(body.model as string | undefined) ?? 'recraftv3']
  if (!rules)
    return bad(
      'invalid_model',
      `Unknown model "${String(body.model)}". Available models: ${Object.keys(RECRAFT_MODELS).join(', ')}`,
    )
  if (typeof body.prompt !== 'string' || body.prompt.trim() === '') return bad('invalid_prompt', 'prompt is required')
  const maxPrompt = rules.family === 'v4' ? 10_000 : 1_000
  if (body.prompt.length > maxPrompt)
    return bad('prompt_too_long', `prompt must be at most ${maxPrompt} characters, got ${body.prompt.length}`)
  if (body.n !== undefined && !(Number.isInteger(body.n) && (body.n as number) >= 1 && (body.n as number) <= 6))
    return bad('invalid_n', 'n must be an integer from 1 to 6')
  if (body.response_format !== undefined && body.response_format !== 'url' && body.response_format !== 'b64_json')
    return bad('invalid_response_format', 'response_format must be url or b64_json')
  if (body.size !== undefined && (typeof body.size !== 'string' || !resolveRecraftSize(rules, body.size))) {
    const allowed = rules.family === 'v4' ? Object.keys(V4_SIZES) : V3_SIZES
    return bad(
      'invalid_size',
      `size "${String(body.size)}" is not supported by ${String(body.model ?? 'recraftv3')}; supported: ${allowed.join(', ')}`,
    )
  }
  const seed = body.random_seed
  if (seed !== undefined && !(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) <= 4_294_967_295))
    return bad('invalid_random_seed', 'random_seed must be an integer from 0 to 4294967295')
  return validateStyle(body, rules) ?? validateControls(body.controls)
}

function validateStyle(body: RecraftImageRequest, rules: ModelRules): RecraftRejection | undefined {
  if (body.style !== undefined && body.style_id !== undefined)
    return bad('invalid_style', 'style and style_id cannot be used together')
  if (body.style !== undefined && !(RECRAFT_STYLES as readonly unknown[]).includes(body.style))
    return bad('invalid_style', `style must be one of ${RECRAFT_STYLES.join(', ')}`)
  if (body.substyle !== undefined && (typeof body.substyle !== 'string' || !/^[a-z0-9_]+$/.test(body.substyle)))
    return bad('invalid_substyle', 'substyle must be a substyle name')
  if (typeof body.substyle === 'string' && body.style === undefined)
    return bad('invalid_substyle', 'substyle requires style')
  if (typeof body.substyle === 'string' && substyleMismatch(body.style as string, body.substyle))
    return bad('invalid_substyle', `substyle ${body.substyle} does not belong to style ${String(body.style)}`)
  if (rules.vector && typeof body.style === 'string' && !['any', ...VECTOR_STYLES].includes(body.style))
    return bad('invalid_style', `style ${body.style} is not available for vector models`)
  return undefined
}

const isRgb = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as { rgb?: unknown }).rgb) &&
  (value as { rgb: unknown[] }).rgb.length === 3 &&
  (value as { rgb: unknown[] }).rgb.every((c) => Number.isInteger(c) && (c as number) >= 0 && (c as number) <= 255)

function validateControls(controls: RecraftImageRequest['controls']): RecraftRejection | undefined {
  if (controls === undefined) return undefined
  if (typeof controls !== 'object' || controls === null) return bad('invalid_controls', 'controls must be an object')
  if (controls.colors !== undefined && !(Array.isArray(controls.colors) && controls.colors.every(isRgb)))
    return bad('invalid_controls', 'controls.colors must be a list of {rgb: [r, g, b]}')
  if (controls.background_color !== undefined && !isRgb(controls.background_color))
    return bad('invalid_controls', 'controls.background_color must be {rgb: [r, g, b]}')
  const level = controls.artistic_level
  if (level !== undefined && !(Number.isInteger(level) && (level as number) >= 0 && (level as number) <= 5))
    return bad('invalid_controls', 'controls.artistic_level must be an integer from 0 to 5')
  if (controls.no_text !== undefined && typeof controls.no_text !== 'boolean')
    return bad('invalid_controls', 'controls.no_text must be a boolean')
  return undefined
}
