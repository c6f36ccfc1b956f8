export { createFal, fal } from './fal-provider'
export type { FalProviderSettings } from './fal-provider'
export { FAL_IMAGE_MODELS, falEndpointOf } from './fal-models'
export type { FalImageModelId, FalKnownModelId } from './fal-models'
export { toFalInput } from './fal-api'
export {
  falFluxOptionsSchema,
  falFluxSchnellOptionsSchema,
  falStableDiffusionOptionsSchema,
  falImageOptionsSchema,
} from './fal-options'
export type { FalImageOptions } from './fal-options'
export { readFalError } from './fal-api'
