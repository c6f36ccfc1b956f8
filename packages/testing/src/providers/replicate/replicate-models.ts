/** One invalid input field, as Replicate lists it in a 422 body. */
export interface InvalidField {
  readonly type: string
  readonly field: string
  readonly description: string
}

/** What the emulator knows about a model: how to validate its input and what its output looks like. */
export interface EmulatedReplicateModel {
  /** `owner/name`. */
  readonly name: string
  /**
   * Output is a list of URLs (`num_outputs` models), one URL, or (Replicate types `output` as any JSON)
   * an object `{ images: [{ url }], seed }`, or a list of base64 data URIs.
   */
  readonly output: 'list' | 'single' | 'object' | 'data-uri'
  /** Steps written to the logs as a tqdm progress bar. */
  readonly steps: (input: Record<string, unknown>) => number
  validate(input: Record<string, unknown>): InvalidField | undefined
  size(input: Record<string, unknown>): { width: number; height: number }
  count(input: Record<string, unknown>): number
}

const FLUX_RATIOS = ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16', '9:21']
const FORMATS = ['webp', 'jpg', 'png']

type Rule = (input: Record<string, unknown>) => InvalidField | undefined

const enumOf =
  (field: string, values: readonly string[]): Rule =>
  (input) =>
    input[field] === undefined || values.includes(String(input[field]))
      ? undefined
      : {
          type: 'enum',
          field: `input.${field}`,
          description: `${field} must be one of the following: ${values.map((v) => `"${v}"`).join(', ')}`,
        }

const intIn =
  (field: string, min: number, max: number): Rule =>
  (input) => {
    const value = input[field]
    if (value === undefined) return undefined
    if (typeof value !== 'number' || !Number.isInteger(value))
      return {
        type: 'type',
        field: `input.${field}`,
        description: 'Invalid type. Expected: integer, given: ' + typeof value,
      }
    if (value < min)
      return { type: 'number_gte', field: `input.${field}`, description: `Must be greater than or equal to ${min}` }
    if (value > max)
      return { type: 'number_lte', field: `input.${field}`, description: `Must be less than or equal to ${max}` }
    return undefined
  }

const requiredPrompt: Rule = (input) =>
  typeof input.prompt === 'string' && input.prompt.length > 0
    ? undefined
    : { type: 'required', field: 'input', description: 'prompt is required' }

const first = (rules: readonly Rule[]) => (input: Record<string, unknown>) =>
  rules.map((rule) => rule(input)).find(Boolean)

/** FLUX renders about one megapixel at the ratio, edges multiples of 16. */
function fluxSize(input: Record<string, unknown>): { width: number; height: number } {
  const [w, h] = String(input.aspect_ratio ?? '1:1')
    .split(':')
    .map(Number) as [number, number]
  const ratio = w / h
  const edge = (value: number) => Math.round(value / 16) * 16
  return { width: edge(Math.sqrt(1024 * 1024 * ratio)), height: edge(Math.sqrt((1024 * 1024) / ratio)) }
}

const flux = (name: string, maxSteps: number, defaultSteps: number): EmulatedReplicateModel => ({
  name,
  output: 'list',
  steps: (input) => Number(input.num_inference_steps ?? defaultSteps),
  validate: first([
    requiredPrompt,
    enumOf('aspect_ratio', FLUX_RATIOS),
    intIn('num_outputs', 1, 4),
    enumOf('output_format', FORMATS),
    intIn('num_inference_steps', 1, maxSteps),
    intIn('output_quality', 0, 100),
  ]),
  size: fluxSize,
  count: (input) => Number(input.num_outputs ?? 1),
})

/** SDXL's public version on Replicate (a community model, reachable only by version). */
export const SDXL_VERSION = '7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc'

/** Models with known input schemas (from their pages on replicate.com); other models are accepted leniently. */
export const REPLICATE_MODELS: Readonly<Record<string, EmulatedReplicateModel>> = {
  'black-forest-labs/flux-schnell': flux('black-forest-labs/flux-schnell', 4, 4),
  'black-forest-labs/flux-dev': flux('black-forest-labs/flux-dev', 50, 28),
  'black-forest-labs/flux-1.1-pro': {
    name: 'black-forest-labs/flux-1.1-pro',
    output: 'single',
    steps: () => 0,
    validate: first([
      requiredPrompt,
      enumOf('aspect_ratio', [...FLUX_RATIOS, 'custom']),
      enumOf('output_format', FORMATS),
      intIn('width', 256, 1440),
      intIn('height', 256, 1440),
    ]),
    size: (input) =>
      input.aspect_ratio === 'custom'
        ? { width: Number(input.width ?? 1024), height: Number(input.height ?? 1024) }
        : fluxSize(input),
    count: () => 1,
  },
  'stability-ai/sdxl': {
    name: 'stability-ai/sdxl',
    output: 'list',
    steps: (input) => Number(input.num_inference_steps ?? 50),
    validate: first([
      requiredPrompt,
      intIn('num_outputs', 1, 4),
      intIn('num_inference_steps', 1, 500),
      intIn('width', 128, 2048),
      intIn('height', 128, 2048),
    ]),
    size: (input) => ({ width: Number(input.width ?? 1024), height: Number(input.height ?? 1024) }),
    count: (input) => Number(input.num_outputs ?? 1),
  },
}

/** Any other model: a prompt, a size by width/height or aspect ratio, a list of outputs. */
export function lenientModel(name: string): EmulatedReplicateModel {
  return {
    name,
    output: 'list',
    steps: () => 20,
    validate: requiredPrompt,
    size: (input) =>
      input.width || input.height
        ? { width: Number(input.width ?? 1024), height: Number(input.height ?? 1024) }
        : fluxSize(input),
    count: (input) => Math.min(4, Math.max(1, Number(input.num_outputs ?? 1))),
  }
}

/**
 * Models the emulator adds to show output shapes other than URL lists, which Replicate's API allows
 * (`output` is any JSON): `llmkit-emulator/object-output` answers `{ images: [{ url }], seed }`,
 * `llmkit-emulator/data-uri-output` a list of data URIs, `llmkit-emulator/text-output` text only.
 */
export const OUTPUT_SHAPE_MODELS: Readonly<Record<string, EmulatedReplicateModel>> = {
  'llmkit-emulator/object-output': { ...lenientModel('llmkit-emulator/object-output'), output: 'object' },
  'llmkit-emulator/data-uri-output': { ...lenientModel('llmkit-emulator/data-uri-output'), output: 'data-uri' },
  'llmkit-emulator/text-output': { ...lenientModel('llmkit-emulator/text-output'), output: 'single', count: () => 0 },
}

/** Model versions the emulator knows by id. */
export const REPLICATE_VERSIONS: Readonly<Record<string, string>> = { [SDXL_VERSION]: 'stability-ai/sdxl' }

/** tqdm-style progress lines as Cog models print them, up to `progress` (0..1). */
export function progressLogs(seed: number, steps: number, progress: number): string {
  const lines = [`Using seed: ${seed}`]
  if (steps <= 0) return `${lines[0]}\n`
  const done = Math.floor(steps * Math.min(1, progress))
  for (let step = 0; step <= done; step++) {
    const percent = Math.floor((step / steps) * 100)
    const bar = '█'.repeat(Math.floor(percent / 10)).padEnd(10, ' ')
    lines.push(
      `${String(percent).padStart(3, ' ')}%|${bar}| ${step}/${steps} [00:0${Math.min(9, step)}<00:00, 3.21it/s]`,
    )
  }
  return `${lines.join('\n')}\n`
}
