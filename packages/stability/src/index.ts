export { createStability, stability } from './stability-provider'
export type { StabilityProviderSettings } from './stability-provider'
export { toStabilityV1Body, toStabilityV2Fields } from './stability-image-model'
export { STABILITY_IMAGE_MODELS } from './stability-models'
export type { StabilityImageModelId, StabilityKnownModelId } from './stability-models'
export {
  stabilitySdxlOptionsSchema,
  stabilitySd3OptionsSchema,
  stabilityCoreOptionsSchema,
  stabilityUltraOptionsSchema,
  STABILITY_STYLE_PRESETS,
  STABILITY_SD3_MODELS,
  STABILITY_SD3_ALIASES,
} from './stability-options'
export type { StabilityImageOptions } from './stability-options'
