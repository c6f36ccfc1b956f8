import type { ImageJob } from '../provider/image-provider'
import type { GeneratedImage } from '../response/generated-image'
import type { ImageGenerationResponse } from '../response/image-generation-response'

/**
 * What `streamImage()` yields and `onProgress` receives, in order:
 * submitted → queued → running → partial_image … → downloading → image … → done.
 * `callIndex` tells split calls apart; `elapsedMs` counts from the start.
 */
export type ImageProgressEvent =
  | { readonly type: 'submitted'; readonly callIndex: number; readonly job: ImageJob; readonly elapsedMs: number }
  | {
      readonly type: 'queued'
      readonly callIndex: number
      readonly position?: number
      readonly message?: string
      readonly elapsedMs: number
    }
  | {
      readonly type: 'running'
      readonly callIndex: number
      readonly progress?: number
      readonly message?: string
      readonly elapsedMs: number
    }
  | {
      /**
       * A preview of an image still being drawn, where the provider streams them (OpenAI with the
       * `partial_images` option): `index` counts this call's previews from 0, `image` holds its bytes.
       */
      readonly type: 'partial_image'
      readonly callIndex: number
      readonly index: number
      readonly image: GeneratedImage
      readonly elapsedMs: number
    }
  | { readonly type: 'downloading'; readonly callIndex: number; readonly elapsedMs: number }
  | {
      readonly type: 'image'
      readonly callIndex: number
      readonly index: number
      readonly image: GeneratedImage
      readonly elapsedMs: number
    }
  | { readonly type: 'warning'; readonly message: string; readonly elapsedMs: number }
  | { readonly type: 'done'; readonly response: ImageGenerationResponse; readonly elapsedMs: number }
