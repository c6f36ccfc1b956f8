import { isColorName, type ColorName } from './color'

/** The light of the scene. */
export type TimeOfDay = 'dawn' | 'day' | 'sunset' | 'night'
export type WaterKind = 'none' | 'sea' | 'lake' | 'river'
export type Amount = 'none' | 'few' | 'many'
/** What a colour named in the prompt applies to (`purple sky`, `red trees`); `any` tints the sky and accents. */
export type ColorTarget = 'any' | 'sky' | 'water' | 'mountains' | 'trees' | 'city' | 'ground' | 'sun' | 'clouds'

export interface SceneColor {
  readonly name: ColorName
  readonly target: ColorTarget
}

/** What the painter draws, parsed from the prompt: plain data, so it can be tested and logged. */
export interface Scene {
  timeOfDay: TimeOfDay
  sun: boolean
  moon: 'none' | 'full' | 'crescent'
  stars: boolean
  clouds: Amount
  /** Light shafts from the sun (`sunlight`, `sunbeams`, `rays`). */
  rays: boolean
  fog: boolean
  mountains: boolean
  hills: boolean
  snow: boolean
  water: WaterKind
  trees: Amount
  city: boolean
  /** Neon-lit, taller buildings (`futuristic`, `neon`, `cyberpunk`). */
  neon: boolean
  ground: 'grass' | 'snow' | 'sand'
  autumn: boolean
  colors: SceneColor[]
  /** The prompt words that shaped the scene, in prompt order. */
  recognized: string[]
  /** Prompt words that seem to name a subject the painter cannot draw (`lighthouse`, `cat`), in prompt order, once each. */
  unknown: string[]
}

type Rule = (scene: Scene) => void
const rule = (words: string, apply: Rule): Array<[string, Rule]> => words.split(' ').map((word) => [word, apply])

const TIME_WORDS: Readonly<Record<string, TimeOfDay>> = Object.fromEntries([
  ...'dawn sunrise daybreak morning'.split(' ').map((w) => [w, 'dawn']),
  ...'noon midday day daytime afternoon sunny'.split(' ').map((w) => [w, 'day']),
  ...'sunset dusk evening twilight sundown'.split(' ').map((w) => [w, 'sunset']),
  ...'night midnight nighttime starry stars moon moonlit moonlight nocturnal'.split(' ').map((w) => [w, 'night']),
])

/** Words that add elements. Time words are handled apart (the first one wins). */
const FEATURE_RULES: ReadonlyMap<string, Rule> = new Map([
  ...rule(
    'mountain mountains peak peaks alps alpine summit summits volcano cliff cliffs ridge',
    (s) => void (s.mountains = true),
  ),
  ...rule('hill hills valley meadow meadows countryside field fields', (s) => void (s.hills = true)),
  ...rule('sea ocean beach coast shore waves bay', (s) => void (s.water = 'sea')),
  ...rule('lake pond lagoon reflection reflections', (s) => void (s.water = s.water === 'sea' ? 'sea' : 'lake')),
  ...rule('river stream creek brook', (s) => void (s.water = s.water === 'none' ? 'river' : s.water)),
  ...rule('forest forests woods woodland jungle rainforest', (s) => void (s.trees = 'many')),
  ...rule(
    'tree trees pine pines oak oaks grove park orchard landscape scenery nature',
    (s) => void (s.trees = s.trees === 'many' ? 'many' : 'few'),
  ),
  ...rule(
    'city cities skyline town buildings building skyscraper skyscrapers downtown metropolis urban street',
    (s) => void (s.city = true),
  ),
  ...rule('futuristic neon cyberpunk scifi', (s) => void (s.neon = true)),
  ...rule('snow snowy winter ice icy frozen', (s) => void ((s.snow = true), (s.ground = 'snow'))),
  ...rule('desert dune dunes sand sandy', (s) => void (s.ground = 'sand')),
  ...rule('fog foggy mist misty haze hazy', (s) => void (s.fog = true)),
  ...rule('cloud clouds cloudy overcast storm stormy', (s) => void (s.clouds = 'many')),
  ...rule('clear', (s) => void (s.clouds = 'none')),
  ...rule('sunlight sunbeam sunbeams rays sunlit sunshine godrays', (s) => void ((s.rays = true), (s.sun = true))),
  ...rule('sun', (s) => void (s.sun = true)),
  ...rule('crescent', (s) => void (s.moon = 'crescent')),
  ...rule('autumn autumnal fall', (s) => void (s.autumn = true)),
])

/** Words that remove elements, from the negative prompt or after `no` / `without`. */
const REMOVAL_RULES: ReadonlyMap<string, Rule> = new Map([
  ...rule('tree trees forest forests woods pine pines', (s) => void (s.trees = 'none')),
  ...rule('mountain mountains peaks hill hills', (s) => void ((s.mountains = false), (s.hills = false))),
  ...rule('water sea ocean lake river reflection reflections', (s) => void (s.water = 'none')),
  ...rule('city buildings building skyline skyscrapers town', (s) => void (s.city = false)),
  ...rule('star stars', (s) => void (s.stars = false)),
  ...rule('moon', (s) => void (s.moon = 'none')),
  ...rule('sun', (s) => void ((s.sun = false), (s.rays = false))),
  ...rule('cloud clouds', (s) => void (s.clouds = 'none')),
  ...rule('fog mist haze', (s) => void (s.fog = false)),
  ...rule('snow', (s) => void ((s.snow = false), (s.ground = s.ground === 'snow' ? 'grass' : s.ground))),
  ...rule('rays sunbeams', (s) => void (s.rays = false)),
])

const COLOR_TARGETS: Readonly<Record<string, ColorTarget>> = Object.fromEntries(
  Object.entries({
    sky: 'sky skies heavens',
    water: 'water sea ocean lake river waves',
    mountains: 'mountain mountains peaks hills',
    trees: 'tree trees forest leaves foliage woods',
    city: 'city lights windows buildings skyline neon',
    ground: 'ground grass meadow field fields sand',
    sun: 'sun sunlight glow',
    clouds: 'cloud clouds',
  } satisfies Record<Exclude<ColorTarget, 'any'>, string>).flatMap(([target, words]) =>
    words.split(' ').map((word) => [word, target as ColorTarget]),
  ),
)

const NEGATORS = new Set(['no', 'without', 'not'])

/**
 * Words that name no subject: grammar, framing and style words, common adjectives. A word that is none of
 * these, nor a word the painter knows, is reported in `scene.unknown` (so `a lighthouse on a cliff` warns).
 */
const FILLER = new Set(
  `a an the and or but of on in at by for from with into onto over under above below near beside behind
  between through across along around beyond against among toward towards to as is are was were be been
  being it its this that these those there here he she they them his her their my your our me we you i
  very so too quite really just only some many few one two three four five several lots lot more most much
  all each every any other another same such which who whom whose what where when while then than
  image images picture pictures photo photos photograph photography shot view views scene scenes
  painting paintings drawing drawings sketch illustration art artwork render rendering style styled
  wallpaper background foreground composition portrait landscape landscapes scenery panorama panoramic
  detail details quality resolution hd uhd k d realistic photorealistic hyperrealistic cinematic
  digital oil watercolor watercolour acrylic pencil ink concept fantasy surreal abstract minimal
  minimalist vintage retro modern classic epic lowpoly pixel anime cartoon vector
  serene calm quiet peaceful tranquil beautiful pretty lovely gorgeous stunning majestic dramatic
  moody vivid vibrant soft warm cool cold hot bright dark light dim deep pale rich muted subtle
  big small large tiny huge giant little tall short wide long high low distant far close old new ancient
  lone lonely single simple wild gentle rolling towering rugged lush green golden silver
  ultra super highly extremely trending artstation octane unreal engine masterpiece best
  made create draw show make generate depicting featuring showing`.split(/\s+/),
)

const ADJECTIVE_ENDING = /(?:ful|ous|ive|ic|ical|ish|less|ly|ed|ing|est)$/

/** Whether a word probably names a subject: not filler, not an adjective or adverb by its ending, not too short. */
function namesSubject(word: string): boolean {
  return word.length > 2 && !FILLER.has(word) && !ADJECTIVE_ENDING.test(word)
}

/** Lower-case words of a prompt (letters only). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+/g) ?? []
}

function emptyScene(): Scene {
  return {
    timeOfDay: 'day',
    sun: false,
    moon: 'none',
    stars: false,
    clouds: 'few',
    rays: false,
    fog: false,
    mountains: false,
    hills: false,
    snow: false,
    water: 'none',
    trees: 'none',
    city: false,
    neon: false,
    ground: 'grass',
    autumn: false,
    colors: [],
    recognized: [],
    unknown: [],
  }
}

/**
 * Turns a prompt (and negative prompt) into the scene the painter draws:
 * time of day, sky, landforms, water, trees, city and colours. Pure.
 *
 * ```ts
 * parseScene('a lake at sunset with purple sky', 'trees')
 * // { timeOfDay: 'sunset', water: 'lake', trees: 'none', colors: [{ name: 'purple', target: 'sky' }], … }
 * ```
 */
export function parseScene(prompt: string, negativePrompt = ''): Scene {
  const scene = emptyScene()
  const words = tokenize(prompt)
  const negated = new Set<number>()
  words.forEach((word, i) => {
    if (NEGATORS.has(words[i - 1] ?? '') && REMOVAL_RULES.has(word)) negated.add(i)
  })
  const time = words.find((word, i) => !negated.has(i) && TIME_WORDS[word] !== undefined)
  if (time) scene.timeOfDay = TIME_WORDS[time]!
  words.forEach((word, i) => {
    if (negated.has(i)) return
    const apply = FEATURE_RULES.get(word)
    apply?.(scene)
    if (apply || TIME_WORDS[word] !== undefined) scene.recognized.push(word)
  })
  scene.colors = parseColors(words)
  scene.recognized.push(...scene.colors.map((color) => color.name))
  const known = (word: string, i: number): boolean =>
    negated.has(i) ||
    NEGATORS.has(word) ||
    FEATURE_RULES.has(word) ||
    REMOVAL_RULES.has(word) ||
    TIME_WORDS[word] !== undefined ||
    COLOR_TARGETS[word] !== undefined ||
    isColorName(word)
  scene.unknown = [...new Set(words.filter((word, i) => !known(word, i) && namesSubject(word)))]
  applyDefaults(scene)
  for (const i of negated) REMOVAL_RULES.get(words[i]!)?.(scene)
  for (const word of tokenize(negativePrompt)) REMOVAL_RULES.get(word)?.(scene)
  return scene
}

/** Colour words, each applied to the noun that follows it within two words (`purple sky`, `deep blue sea`). */
function parseColors(words: readonly string[]): SceneColor[] {
  const colors: SceneColor[] = []
  words.forEach((word, i) => {
    if (!isColorName(word)) return
    const following = [words[i + 1], words[i + 2]].find(
      (next) => next !== undefined && COLOR_TARGETS[next] !== undefined,
    )
    colors.push({ name: word, target: following ? COLOR_TARGETS[following]! : 'any' })
  })
  return colors
}

/** What a scene gets when the prompt does not say: the sky of its time of day and some land to stand on. */
function applyDefaults(scene: Scene): void {
  const isNight = scene.timeOfDay === 'night'
  if (isNight) {
    scene.stars = true
    scene.moon = scene.moon === 'none' ? 'full' : scene.moon
    scene.sun = false
    scene.rays = false
    // 'few' is the unasked-for default: a clear night unless the prompt wants clouds.
    if (scene.clouds === 'few') scene.clouds = 'none'
  } else {
    scene.sun = true
  }
  // Foothills give mountains something to stand on besides a flat field.
  if (scene.mountains && scene.water === 'none' && !scene.city) scene.hills = true
  const hasLand = scene.mountains || scene.hills || scene.city || scene.water !== 'none' || scene.trees !== 'none'
  if (!hasLand) scene.hills = true
  // Green land the prompt said nothing about gets a few trees; deserts and cities stay bare.
  const isBare = scene.ground === 'sand' || scene.city || scene.water === 'sea' || scene.mountains
  if (scene.trees === 'none' && !isBare && (scene.hills || scene.water === 'river')) scene.trees = 'few'
}

/** A short description of a scene, for `revised_prompt`: what the renderer actually drew. */
export function describeScene(scene: Scene): string {
  const parts: string[] = []
  if (scene.mountains) parts.push(scene.snow ? 'snowy mountains' : 'mountains')
  if (scene.hills) parts.push('hills')
  if (scene.water !== 'none') parts.push(`a ${scene.water}`)
  if (scene.trees !== 'none') parts.push(scene.trees === 'many' ? 'a forest' : 'trees')
  if (scene.city) parts.push(scene.neon ? 'a neon city skyline' : 'a city skyline')
  const sky = [
    scene.sun && 'sun',
    scene.moon !== 'none' && `${scene.moon} moon`,
    scene.stars && 'stars',
    scene.clouds !== 'none' && 'clouds',
    scene.rays && 'sun rays',
    scene.fog && 'fog',
  ]
  parts.push(...sky.filter((part): part is string => Boolean(part)))
  const colors = scene.colors.map((color) => (color.target === 'any' ? color.name : `${color.name} ${color.target}`))
  return `Procedural ${scene.timeOfDay} landscape with ${parts.join(', ')}${colors.length ? `; colours: ${colors.join(', ')}` : ''}`
}
