export { createFal, fal } from './fal-provider'
export type { FalProviderSettings } from './fal-provider'
export { FAL_IMAGE_MODELS, falEndpointOf, toFalInput } from './fal-image-model'
export type { FalImageModelId } from './fal-image-model'
export {
  falFluxOptionsSchema,
  falFluxSchnellOptionsSchema,
  falStableDiffusionOptionsSchema,
  falImageOptionsSchema,
} from './fal-options'
export type { FalImageOptions } from './fal-options'
export { readFalError } from './fal-api'
