/** The style names ARTA accepted (gpt4free's final alias table, 52 names, plus tgpt's `Epicrealism-xl`). */
export const ARTA_STYLES: ReadonlySet<string> = new Set([
  'Anything-xl',
  'High GPT4o',
  'On limbs black',
  'F Dev',
  'SDXL 1.0',
  'Old School',
  'Vincent Van Gogh',
  'Cor-epica-xl',
  'Professional',
  'Cheyenne-xl',
  'Chicano',
  'SDXL L',
  'Black Ink',
  'Juggernaut-xl',
  'Cinematic Art',
  'Dreamshaper-xl',
  'Fantasy Art',
  'Neo-traditional',
  'Realistic-stock-xl',
  'Flame design',
  'Japanese_2',
  'Medieval',
  'Surrealism',
  'Dotwork',
  'Graffiti',
  'RevAnimated',
  'On limbs color',
  'Old school colored',
  'GPT4o Ghibli',
  'Low Poly',
  'GPT4o',
  'No Style',
  'Anime',
  'tattoo',
  'Embroidery tattoo',
  'Mini tattoo',
  'Realistic tattoo',
  'Playground-xl',
  'Watercolor',
  'F Pro',
  'Kawaii',
  'Photographic',
  'Katayama-mix-xl',
  'Death metal',
  'New School',
  'Pony-xl',
  'Anima-pencil-xl',
  'Flux',
  'Biomech',
  'Yamers-realistic-xl',
  'Trash Polka',
  'Red and Black',
  'Epicrealism-xl',
])

/** Aspect ratios ARTA's clients send. */
export const ARTA_ASPECT_RATIOS: readonly string[] = ['1:1', '2:3', '3:2', '3:4', '4:3', '9:16', '16:9', '9:21', '21:9']

/** The text2image fields after validation. */
export interface ArtaGeneration {
  prompt: string
  negativePrompt: string
  style: string
  imagesNum: number
  cfgScale: number
  steps: number
  aspectRatio: string
  seed: number
}

/** One FastAPI validation issue: `{"detail": [{type, loc, msg, input}]}`. */
export interface ArtaIssue {
  type: string
  loc: (string | number)[]
  msg: string
  input: unknown
}

const integer = (value: string | undefined) =>
  value !== undefined && /^-?\d+$/.test(value.trim()) ? Number(value) : undefined

function intField(
  fields: Map<string, string>,
  name: string,
  fallback: number,
  min: number,
  max: number,
  issues: ArtaIssue[],
): number {
  const raw = fields.get(name)
  if (raw === undefined) return fallback
  const value = integer(raw)
  if (value === undefined)
    issues.push({
      type: 'int_parsing',
      loc: ['body', name],
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: raw,
    })
  else if (value < min)
    issues.push({
      type: 'greater_than_equal',
      loc: ['body', name],
      msg: `Input should be greater than or equal to ${min}`,
      input: raw,
    })
  else if (value > max)
    issues.push({
      type: 'less_than_equal',
      loc: ['body', name],
      msg: `Input should be less than or equal to ${max}`,
      input: raw,
    })
  return value ?? fallback
}

/**
 * Checks the text2image form as ARTA's FastAPI backend would: `prompt` and
 * `style` are required, numbers arrive as strings, images_num ≤ 8, steps ≤ 50.
 */
export function validateArtaForm(
  fields: Map<string, string>,
  randomSeed: number,
): { value?: ArtaGeneration; issues: ArtaIssue[] } {
  const issues: ArtaIssue[] = []
  const prompt = fields.get('prompt')
  if (!prompt?.trim()) issues.push({ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required', input: null })
  const style = fields.get('style')
  if (style === undefined) issues.push({ type: 'missing', loc: ['body', 'style'], msg: 'Field required', input: null })
  else if (!ARTA_STYLES.has(style))
    issues.push({
      type: 'value_error',
      loc: ['body', 'style'],
      msg: `Value error, unknown style '${style}'`,
      input: style,
    })
  const aspectRatio = fields.get('aspect_ratio') ?? '1:1'
  if (!ARTA_ASPECT_RATIOS.includes(aspectRatio)) {
    issues.push({
      type: 'value_error',
      loc: ['body', 'aspect_ratio'],
      msg: `Value error, aspect_ratio must be one of ${ARTA_ASPECT_RATIOS.join(', ')}`,
      input: aspectRatio,
    })
  }
  const imagesNum = intField(fields, 'images_num', 1, 1, 8, issues)
  const steps = intField(fields, 'steps', 30, 1, 50, issues)
  const cfgScale = intField(fields, 'cfg_scale', 7, 1, 30, issues)
  const seed = intField(fields, 'seed', randomSeed, 0, 2 ** 32 - 1, issues)
  if (issues.length > 0) return { issues }
  return {
    value: {
      prompt: prompt!,
      negativePrompt: fields.get('negative_prompt') ?? '',
      style: style!,
      imagesNum,
      cfgScale,
      steps,
      aspectRatio,
      seed,
    },
    issues,
  }
}

/** Pixel size of an ARTA image at a ratio: about one megapixel, edges multiples of 8. */
export function artaDimensions(aspectRatio: string): { width: number; height: number } {
  const [w, h] = aspectRatio.split(':').map(Number) as [number, number]
  const area = 1024 * 1024
  const round8 = (value: number) => Math.max(8, Math.round(value / 8) * 8)
  return { width: round8(Math.sqrt((area * w) / h)), height: round8(Math.sqrt((area * h) / w)) }
}
