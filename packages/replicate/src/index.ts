export { createReplicate, replicate } from './replicate-provider'
export type { ReplicateProviderSettings } from './replicate-provider'
export {
  REPLICATE_IMAGE_MODELS,
  SDXL_VERSION,
  resolveReplicateModel,
  toReplicateCreate,
  toReplicateInput,
} from './replicate-image-model'
export type { ReplicateImageModelId } from './replicate-image-model'
export { replicateImageOptionsSchema } from './replicate-options'
export type { ReplicateImageOptions } from './replicate-options'
export { progressFromLogs } from './replicate-api'
