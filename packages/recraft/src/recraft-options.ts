import * as z from 'zod'

/** Recraft's style families (V2/V3 models). */
export const RECRAFT_STYLES = [
  'any',
  'realistic_image',
  'digital_illustration',
  'vector_illustration',
  'icon',
  'logo_raster',
] as const

/** Styles whose images are SVG. */
export const RECRAFT_VECTOR_STYLES: ReadonlySet<string> = new Set(['vector_illustration', 'icon'])

/**
 * Substyles whose family is known (Recraft's `ImageSubStyle` enum, in family order). Recraft
 * documents more substyles than this; others are passed through for the API to judge.
 */
const SUBSTYLE_FAMILIES: Readonly<Record<string, readonly string[]>> = {
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

const rgb = z.strictObject({
  rgb: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]),
})

/** Recraft's `controls` object. */
const controls = z.strictObject({
  /** Preferred colours. */
  colors: z.array(rgb).optional(),
  background_color: rgb.optional(),
  /** 0 (simple, literal) to 5 (artistic). */
  artistic_level: z.number().int().min(0).max(5).optional(),
  /** Ask for no text in the image. */
  no_text: z.boolean().optional(),
})

/** V2/V3 options: `request.with_provider_options('recraft', { style, substyle, … })`. */
export const recraftImageOptionsSchema = z
  .strictObject({
    /** Style family. API default `realistic_image` (V3) [newer docs say `any`]. Vector styles return SVG. */
    style: z.enum(RECRAFT_STYLES).optional(),
    /** A substyle of `style`, such as `pixel_art` (digital_illustration) or `hdr` (realistic_image). */
    substyle: z
      .string()
      .regex(/^[a-z0-9_]+$/, 'must be a substyle name such as pixel_art')
      .optional(),
    /** A custom style's id (from Recraft's style API); replaces `style`. */
    style_id: z.uuid().optional(),
    controls: controls.optional(),
  })
  .superRefine((options, issues) => {
    if (options.style && options.style_id)
      issues.addIssue({ code: 'custom', path: ['style_id'], message: 'use style or style_id, not both' })
    if (options.substyle && !options.style)
      issues.addIssue({
        code: 'custom',
        path: ['substyle'],
        message: 'needs a style (the family the substyle belongs to)',
      })
    const families = Object.entries(SUBSTYLE_FAMILIES)
      .filter(([, list]) => list.includes(options.substyle ?? ''))
      .map(([family]) => family)
    if (options.style && families.length > 0 && !families.includes(options.style)) {
      issues.addIssue({
        code: 'custom',
        path: ['substyle'],
        message: `${options.substyle} is a ${families.join(' / ')} substyle, not a ${options.style} one`,
      })
    }
  })

/** V4 models take no style, substyle or controls: they have no options. */
export const recraftV4OptionsSchema = z.strictObject({})

export type RecraftImageOptions = z.infer<typeof recraftImageOptionsSchema>
