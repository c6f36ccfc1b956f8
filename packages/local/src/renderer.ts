/**
 * `@llmkit/local/renderer`: the picture-making half of the package alone —
 * prompt → scene → pixels → PNG — without the provider, and so without
 * loading `@llmkit/core` (and its HTTP client). For tools that only want
 * pictures, such as the emulators' render threads.
 */
export { parseScene, describeScene } from './scene'
export type { Scene, SceneColor, TimeOfDay, WaterKind, Amount, ColorTarget } from './scene'
export { renderScene, renderPng } from './render'
export type { RenderOptions, Rendering } from './render'
export { encodePng } from './png'
export type { PngOptions } from './png'
