/**
 * ARTA's model aliases (gpt4free's final table, 55 keys → 52 style names):
 * the key users write → the `style` field ARTA expects. `gpt-image` is the one
 * alias with several styles; one of them is chosen per call.
 */
const ALIASES = {
  'anything-xl': 'Anything-xl',
  'high-gpt4o': 'High GPT4o',
  'on-limbs-black': 'On limbs black',
  'f-dev': 'F Dev',
  'flux-dev': 'F Dev',
  'sdxl-1.0': 'SDXL 1.0',
  'old-school': 'Old School',
  'vincent-van-gogh': 'Vincent Van Gogh',
  'cor-epica-xl': 'Cor-epica-xl',
  professional: 'Professional',
  'cheyenne-xl': 'Cheyenne-xl',
  chicano: 'Chicano',
  'sdxl-l': 'SDXL L',
  'black-ink': 'Black Ink',
  'juggernaut-xl': 'Juggernaut-xl',
  'cinematic-art': 'Cinematic Art',
  'dreamshaper-xl': 'Dreamshaper-xl',
  'fantasy-art': 'Fantasy Art',
  'neo-traditional': 'Neo-traditional',
  'realistic-stock-xl': 'Realistic-stock-xl',
  'flame-design': 'Flame design',
  'japanese-2': 'Japanese_2',
  medieval: 'Medieval',
  surrealism: 'Surrealism',
  dotwork: 'Dotwork',
  graffiti: 'Graffiti',
  revanimated: 'RevAnimated',
  'on-limbs-color': 'On limbs color',
  'old-school-colored': 'Old school colored',
  'gpt4o-ghibli': 'GPT4o Ghibli',
  'low-poly': 'Low Poly',
  gpt4o: 'GPT4o',
  'gpt-image': ['GPT4o', 'High GPT4o', 'GPT4o Ghibli'],
  'no-style': 'No Style',
  anime: 'Anime',
  tattoo: 'tattoo',
  'embroidery-tattoo': 'Embroidery tattoo',
  'mini-tattoo': 'Mini tattoo',
  'realistic-tattoo': 'Realistic tattoo',
  'playground-xl': 'Playground-xl',
  Watercolor: 'Watercolor',
  'f-pro': 'F Pro',
  'flux-pro': 'F Pro',
  kawaii: 'Kawaii',
  photographic: 'Photographic',
  'katayama-mix-xl': 'Katayama-mix-xl',
  'death-metal': 'Death metal',
  'new-school': 'New School',
  'pony-xl': 'Pony-xl',
  'anima-pencil-xl': 'Anima-pencil-xl',
  flux: 'Flux',
  biomech: 'Biomech',
  'yamers-realistic-xl': 'Yamers-realistic-xl',
  'trash-polka': 'Trash Polka',
  'red-and-black': 'Red and Black',
} as const

/** An alias of the table (`flux`, `anything-xl`, …). */
export type ArtaModelAlias = keyof typeof ALIASES

/** ARTA's model aliases, the table above: the key users write → the `style` field ARTA expects. */
export const ARTA_STYLE_ALIASES: Readonly<Record<string, string | readonly string[]>> = ALIASES

/** The default model (`flux` → style `Flux`). */
export const ARTA_DEFAULT_MODEL = 'flux'

/** Every distinct style name ARTA takes, in table order. */
export const ARTA_STYLES: readonly string[] = [...new Set(Object.values(ARTA_STYLE_ALIASES).flat())]

/**
 * The style to send for a catalog id: the alias's style, or one of several
 * (`gpt-image`) picked from the seed so the same seed sends the same style.
 */
export function styleFor(modelId: string, seed: number): string {
  const target = ARTA_STYLE_ALIASES[modelId] ?? ARTA_STYLES.find((style) => style === modelId) ?? modelId
  return typeof target === 'string' ? target : target[seed % target.length]!
}
